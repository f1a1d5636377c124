package dev.flagstep.webhook;

import java.time.Duration;

/** Waits between retries; injectable so tests can record the backoff instead of sleeping through it. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(duration);

    void sleep(Duration duration) throws InterruptedException;
}

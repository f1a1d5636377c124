package dev.flagstep.local.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Polls until an assertion passes or a deadline is reached: no fixed sleeps, and the last failure is reported. */
final class Eventually {

    private Eventually() {
    }

    static void within(Duration timeout, Runnable assertion) {
        get(timeout, () -> {
            assertion.run();
            return null;
        });
    }

    static <T> T get(Duration timeout, Supplier<T> assertion) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                return assertion.get();
            } catch (AssertionError | RuntimeException e) {
                if (Instant.now().isAfter(deadline)) throw e;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}

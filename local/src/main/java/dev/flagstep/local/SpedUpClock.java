package dev.flagstep.local;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The phases' clock under {@code --speed N}: time runs N times faster from the moment the runtime
 * started, so progress deadlines and gate timeouts pass as fast as the state machine's waits do.
 */
final class SpedUpClock extends Clock {

    private final Clock real;
    private final Instant start;
    private final double speed;

    SpedUpClock(Clock real, double speed) {
        this.real = real;
        this.start = real.instant();
        this.speed = speed;
    }

    @Override
    public Instant instant() {
        Duration elapsed = Duration.between(start, real.instant());
        return start.plusNanos((long) (elapsed.toNanos() * speed));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}

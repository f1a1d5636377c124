package dev.flagstep.local.asl;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One element of a Task's {@code Retry}. The delay before retry n (0-based) is
 * {@code IntervalSeconds * BackoffRate^n}, capped by {@code MaxDelaySeconds}.
 */
record Retrier(List<String> errorEquals, Duration interval, int maxAttempts, double backoffRate,
               Optional<Duration> maxDelay) {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final double DEFAULT_BACKOFF_RATE = 2.0;

    boolean matches(String error) {
        return StatesError.matches(errorEquals, error);
    }

    /** @param retriesSoFar how many times this retrier has already retried in this state visit */
    Duration delay(int retriesSoFar) {
        double millis = interval.toMillis() * Math.pow(backoffRate, retriesSoFar);
        Duration delay = Duration.ofMillis(Math.round(Math.min(millis, Long.MAX_VALUE / 2.0)));
        return maxDelay.filter(max -> max.compareTo(delay) < 0).orElse(delay);
    }
}

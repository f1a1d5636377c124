package dev.flagstep.asl;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One element of a Task's {@code Retry}. The delay before retry n (0-based) is
 * {@code IntervalSeconds * BackoffRate^n}, capped by {@code MaxDelaySeconds}; with
 * {@code "JitterStrategy": "FULL"} a random share of it, between 0 and that delay, as Step Functions does.
 */
record Retrier(List<String> errorEquals, Duration interval, int maxAttempts, double backoffRate,
               Optional<Duration> maxDelay, boolean fullJitter) {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final int DEFAULT_MAX_ATTEMPTS = 3;
    static final double DEFAULT_BACKOFF_RATE = 2.0;

    boolean matches(String error) {
        return StatesError.matches(errorEquals, error);
    }

    /**
     * @param retriesSoFar how many times this retrier has already retried in this state visit
     * @param random the jitter's source (seeded in tests)
     */
    Duration delay(int retriesSoFar, RandomGenerator random) {
        double millis = interval.toMillis() * Math.pow(backoffRate, retriesSoFar);
        Duration computed = Duration.ofMillis(Math.round(Math.min(millis, Long.MAX_VALUE / 2.0)));
        Duration capped = maxDelay.filter(max -> max.compareTo(computed) < 0).orElse(computed);
        return fullJitter ? Duration.ofMillis(Math.round(capped.toMillis() * random.nextDouble())) : capped;
    }
}

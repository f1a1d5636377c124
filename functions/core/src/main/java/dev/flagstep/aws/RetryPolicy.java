package dev.flagstep.aws;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how far apart a failed call is tried again; by default the SDK's standard retry mode (3 attempts,
 * full-jitter exponential backoff from 100 ms, from 1 s after throttling, never more than 20 s).
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration throttledBaseDelay, Duration maxBackoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
    }

    public static RetryPolicy standard() {
        return new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(20));
    }

    /**
     * The SDK's own DynamoDB default, which flagstep had while it used the SDK client: 9 attempts,
     * full jitter from 25 ms (throttling from 500 ms), never more than 20 s.
     */
    public static RetryPolicy dynamoDb() {
        return new RetryPolicy(9, Duration.ofMillis(25), Duration.ofMillis(500), Duration.ofSeconds(20));
    }

    /** A single attempt. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, baseDelay, throttledBaseDelay, maxBackoff);
    }

    /** The pause before attempt {@code attempt + 1} (attempt counts from 1): random in [0, min(max, base x 2^(attempt-1))]. */
    Duration backoff(int attempt, boolean throttled) {
        long base = (throttled ? throttledBaseDelay : baseDelay).toMillis();
        long ceiling = Math.min(maxBackoff.toMillis(), base << Math.min(attempt - 1, 20));
        return ceiling <= 0 ? Duration.ZERO : Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }
}

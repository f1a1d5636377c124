package dev.flagstep.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** go-retryablehttp's defaults, which Flagger uses unchanged: what is retried and how long to wait. */
public final class Backoff {

    static final Duration MIN = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);

    /**
     * Beyond Flagger: retryablehttp honours any Retry-After. A Lambda has at most 15 minutes, and one
     * that sleeps past its timeout fails the whole phase instead of just the hook, so cap the wait.
     */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private Backoff() {
    }

    /** 429 and every 5xx except 501 Not Implemented (which no retry will fix). */
    public static boolean retryableStatus(int status) {
        return status == 429 || (status >= 500 && status != 501);
    }

    /**
     * The wait before retry number {@code retryIndex + 1}: Retry-After on 429/503 when it parses,
     * else 1s * 2^retryIndex capped at 30s.
     */
    static Duration wait(int retryIndex, int status, Optional<String> retryAfter, Instant now) {
        if (status == 429 || status == 503) {
            Optional<Duration> asked = retryAfter.flatMap(v -> parseRetryAfter(v, now));
            if (asked.isPresent()) {
                return asked.get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked.get();
            }
        }
        if (retryIndex >= 31) {
            return MAX;
        }
        Duration exp = MIN.multipliedBy(1L << retryIndex);
        return exp.compareTo(MAX) > 0 ? MAX : exp;
    }

    /** Delay-seconds (non-negative integer) or an RFC 1123 date; a past date means retry now. */
    public static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException | ArithmeticException notSeconds) {
            // fall through to the date form
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException notADate) {
            return Optional.empty();
        }
    }
}

package dev.flagstep.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void retriesTooManyRequestsAndServerErrorsButNotImplemented() {
        assertThat(Backoff.retryableStatus(429)).isTrue();
        assertThat(Backoff.retryableStatus(500)).isTrue();
        assertThat(Backoff.retryableStatus(502)).isTrue();
        assertThat(Backoff.retryableStatus(503)).isTrue();
        assertThat(Backoff.retryableStatus(599)).isTrue();
        assertThat(Backoff.retryableStatus(501)).isFalse();
        assertThat(Backoff.retryableStatus(400)).isFalse();
        assertThat(Backoff.retryableStatus(403)).isFalse();
        assertThat(Backoff.retryableStatus(302)).isFalse();
        assertThat(Backoff.retryableStatus(200)).isFalse();
    }

    @Test
    void exponentialFromOneSecondCappedAtThirty() {
        assertThat(Backoff.wait(0, 500, Optional.empty(), NOW)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.wait(1, 500, Optional.empty(), NOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Backoff.wait(2, 0, Optional.empty(), NOW)).isEqualTo(Duration.ofSeconds(4));
        assertThat(Backoff.wait(4, 500, Optional.empty(), NOW)).isEqualTo(Duration.ofSeconds(16));
        assertThat(Backoff.wait(5, 500, Optional.empty(), NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Backoff.wait(62, 500, Optional.empty(), NOW)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterOnlyOn429And503() {
        assertThat(Backoff.wait(0, 429, Optional.of("7"), NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(Backoff.wait(3, 503, Optional.of("0"), NOW)).isEqualTo(Duration.ZERO);
        assertThat(Backoff.wait(0, 500, Optional.of("7"), NOW)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Backoff.wait(0, 502, Optional.of("7"), NOW)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterAsDateNegativeOrGarbage() {
        assertThat(Backoff.wait(0, 503, Optional.of("Tue, 24 Nov 2026 10:00:12 GMT"), NOW)).isEqualTo(Duration.ofSeconds(12));
        assertThat(Backoff.wait(0, 503, Optional.of("Tue, 24 Nov 2026 09:00:00 GMT"), NOW)).isEqualTo(Duration.ZERO);
        assertThat(Backoff.wait(1, 429, Optional.of("-3"), NOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Backoff.wait(1, 429, Optional.of("soon"), NOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(Backoff.wait(1, 429, Optional.of(""), NOW)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void absurdRetryAfterIsCappedSoALambdaCannotSleepPastItsTimeout() {
        assertThat(Backoff.wait(0, 429, Optional.of("86400"), NOW)).isEqualTo(Backoff.MAX_RETRY_AFTER);
    }
}

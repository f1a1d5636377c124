package dev.flagstep.kubernetes;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class EksTokenTest {

    static final StaticCredentialsProvider CREDS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

    /** A clock the test moves. */
    static final class FakeClock extends Clock {
        Instant now;

        FakeClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }

    @Test
    void tokenIsAPresignedGetCallerIdentityUrlForTheCluster() {
        FakeClock clock = new FakeClock(Instant.parse("2026-11-24T10:15:30Z"));
        String token = new EksToken("prod-eu", "eu-west-1", CREDS, clock).current().orElseThrow();

        assertThat(token).startsWith("k8s-aws-v1.").doesNotContain("=").doesNotContain("+").doesNotContain("/");
        String url = new String(Base64.getUrlDecoder().decode(token.substring("k8s-aws-v1.".length())), StandardCharsets.UTF_8);
        URI uri = URI.create(url);
        assertThat(uri.getScheme()).isEqualTo("https");
        assertThat(uri.getHost()).isEqualTo("sts.eu-west-1.amazonaws.com");
        assertThat(uri.getPath()).isEqualTo("/");
        Map<String, String> q = query(uri);
        assertThat(q).containsEntry("Action", "GetCallerIdentity")
                .containsEntry("Version", "2011-06-15")
                .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
                .containsEntry("X-Amz-Expires", "60")
                .containsEntry("X-Amz-Date", "20261124T101530Z")
                .containsEntry("X-Amz-Credential", "AKIDEXAMPLE/20261124/eu-west-1/sts/aws4_request");
        assertThat(Arrays.asList(q.get("X-Amz-SignedHeaders").split(";"))).contains("host", "x-k8s-aws-id");
        assertThat(q.get("X-Amz-Signature")).matches("[0-9a-f]{64}");
    }

    @Test
    void theClusterNameIsPartOfTheSignature() {
        FakeClock clock = new FakeClock(Instant.parse("2026-11-24T10:15:30Z"));
        String a = new EksToken("prod-eu", "eu-west-1", CREDS, clock).current().orElseThrow();
        String b = new EksToken("staging", "eu-west-1", CREDS, clock).current().orElseThrow();
        assertThat(query(decode(a)).get("X-Amz-Signature")).isNotEqualTo(query(decode(b)).get("X-Amz-Signature"));
    }

    @Test
    void mintsNothingUntilAskedAndNeverReusesATokenFor14Minutes() {
        FakeClock clock = new FakeClock(Instant.parse("2026-11-24T10:00:00Z"));
        AtomicInteger resolved = new AtomicInteger();
        EksToken source = new EksToken("prod", "us-east-1", () -> {
            resolved.incrementAndGet();
            return CREDS.resolveCredentials();
        }, clock);
        assertThat(resolved).as("constructing (e.g. at init, before a SnapStart snapshot) signs nothing").hasValue(0);

        String first = source.current().orElseThrow();
        clock.advance(Duration.ofMinutes(13).plusSeconds(59));
        assertThat(source.current()).contains(first);

        clock.advance(Duration.ofSeconds(1)); // 14 minutes after minting
        String second = source.current().orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(query(decode(second))).containsEntry("X-Amz-Date", "20261124T101400Z");

        clock.advance(Duration.ofHours(3)); // a snapshot restored hours later
        assertThat(source.current().orElseThrow()).isNotEqualTo(second);
        assertThat(resolved).hasValue(3);
    }

    @Test
    void chinaRegionsUseTheirDomain() {
        String token = new EksToken("c", "cn-north-1", CREDS, new FakeClock(Instant.EPOCH)).current().orElseThrow();
        assertThat(decode(token).getHost()).isEqualTo("sts.cn-north-1.amazonaws.com.cn");
    }

    static URI decode(String token) {
        return URI.create(new String(Base64.getUrlDecoder().decode(token.substring(11)), StandardCharsets.UTF_8));
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String kv : uri.getRawQuery().split("&")) {
            int i = kv.indexOf('=');
            q.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
        }
        return q;
    }
}

package dev.flagstep.gatelink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.gate.GateType;
import dev.flagstep.spec.CanaryId;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GateLinkMinterTest {

    private static final Instant NOW = Instant.parse("2026-11-02T10:00:00Z");
    private static final GateLinkKey KEY = GateLinkKey.of("k".repeat(40));
    private static final CanaryId PODINFO = new CanaryId("test", "podinfo");
    private final GateLinkMinter minter = new GateLinkMinter(() -> new GateLinkSigner(KEY),
            URI.create("https://abc.execute-api.eu-west-1.amazonaws.com/"), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(24));

    @Test
    void mintsAnApproveAndARollbackLinkForTheGateOfTheRun() {
        GateLinkPair pair = minter.links(PODINFO, "run-1", "confirm-promotion").orElseThrow();

        GateLinkClaims approve = claims(pair.approve());
        GateLinkClaims rollback = claims(pair.rollback());
        assertThat(pair.approve().toString()).startsWith("https://abc.execute-api.eu-west-1.amazonaws.com/links/");
        assertThat(approve.canary()).isEqualTo(PODINFO);
        assertThat(approve.gate()).isEqualTo(GateType.CONFIRM_PROMOTION);
        assertThat(approve.action()).isEqualTo(GateLinkAction.APPROVE);
        assertThat(approve.opens()).isEqualTo(GateType.CONFIRM_PROMOTION);
        assertThat(rollback.action()).isEqualTo(GateLinkAction.ROLLBACK);
        assertThat(rollback.opens()).isEqualTo(GateType.ROLLBACK);
        assertThat(approve.runId()).isEqualTo("run-1");
        assertThat(approve.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(24)));
        assertThat(approve.nonce()).isNotEqualTo(rollback.nonce()).hasSize(22);
    }

    @Test
    void noLinksForGatesALinkCannotApprove() {
        assertThat(minter.links(PODINFO, "run-1", "rollback")).isEmpty();
        assertThat(minter.links(PODINFO, "run-1", "loadtester")).isEmpty();
        assertThat(minter.links(PODINFO, "run-1", "nope")).isEmpty();
        assertThat(minter.links(PODINFO, "run 1", "confirm-rollout")).isEmpty();
    }

    @Test
    void theKeyIsReadOnTheFirstLinkNotBefore() {
        AtomicInteger reads = new AtomicInteger();
        GateLinkSettings settings = GateLinkSettings.fromEnvironment(
                Map.of("GATE_LINK_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:links"),
                arn -> {
                    reads.incrementAndGet();
                    return Map.of("secret", "s".repeat(64));
                });
        GateLinkMinter m = settings.minter(URI.create("https://api"), Clock.fixed(NOW, ZoneOffset.UTC)).orElseThrow();
        assertThat(reads).hasValue(0);

        m.links(PODINFO, "r", "confirm-rollout");
        m.links(PODINFO, "r", "confirm-rollout");

        assertThat(reads).as("read once per container").hasValue(1);
    }

    @Test
    void settingsFromTheEnvironment() {
        assertThat(GateLinkSettings.fromEnvironment(Map.of(), arn -> Map.of()).enabled()).isFalse();
        assertThat(GateLinkSettings.fromEnvironment(Map.of("GATE_LINKS", "off", "GATE_LINK_SECRET_ARN", "arn"), arn -> Map.of())
                .enabled()).isFalse();
        GateLinkSettings on = GateLinkSettings.fromEnvironment(Map.of("GATE_LINK_SECRET_ARN", "arn", "GATE_LINK_TTL_HOURS", "2"),
                arn -> Map.of("only", "x".repeat(32)));
        assertThat(on.enabled()).isTrue();
        assertThat(on.ttl()).isEqualTo(Duration.ofHours(2));
        assertThat(GateLinkSettings.fromEnvironment(Map.of("GATE_LINK_SECRET_ARN", "arn"), arn -> Map.of()).ttl())
                .isEqualTo(GateLinkSettings.DEFAULT_TTL);
        assertThatThrownBy(() -> GateLinkSettings.fromEnvironment(Map.of("GATE_LINKS", "maybe"), arn -> Map.of()))
                .hasMessageContaining("GATE_LINKS");
        assertThatThrownBy(() -> GateLinkSettings.fromEnvironment(Map.of("GATE_LINK_TTL_HOURS", "0"), arn -> Map.of()))
                .hasMessageContaining("GATE_LINK_TTL_HOURS");
        GateLinkSettings shortKey = GateLinkSettings.fromEnvironment(Map.of("GATE_LINK_SECRET_ARN", "arn"),
                arn -> Map.of("secret", "short"));
        assertThatThrownBy(() -> shortKey.signer().orElseThrow().get()).hasMessageContaining("at least 32");
    }

    private static GateLinkClaims claims(URI link) {
        String path = link.getPath();
        String token = path.substring(path.lastIndexOf('/') + 1);
        return ((GateLinkCheck.Valid) new GateLinkSigner(KEY).verify(token, NOW)).claims();
    }
}

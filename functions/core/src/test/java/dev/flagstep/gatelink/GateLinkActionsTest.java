package dev.flagstep.gatelink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class GateLinkActionsTest {

    private static final URI API = URI.create("https://abc.execute-api.eu-west-1.amazonaws.com");
    private static final Instant NOW = Instant.parse("2026-11-02T10:00:00Z");
    private final GateLinkActions actions = new GateLinkActions(new GateLinkMinter(
            () -> new GateLinkSigner(GateLinkKey.of("k".repeat(40))), API, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(24)), API);

    private static CanarySpec canary(String hooks) {
        String text = """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata: {name: podinfo, namespace: test}
                spec:
                  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
                  service: {port: 9898}
                  analysis:
                    interval: 1m
                    threshold: 5
                    maxWeight: 50
                    stepWeight: 10
                    webhooks:
                """ + hooks.indent(6);
        return switch (new SpecParser().parse(text)) {
            case SpecResult.Valid v -> v.document().canary();
            case SpecResult.Invalid i -> throw new AssertionError(i.errors().toString());
        };
    }

    @Test
    void aGateReadAtThisApisGateCheckGetsItsSignedPair() {
        CanarySpec gated = canary("- {name: approve, type: confirm-promotion, url: " + API + "/gate/check}\n");

        var links = actions.links(gated, "run-1", "confirm-promotion").orElseThrow();

        assertThat(links.approve().toString()).startsWith(API + "/links/");
        assertThat(links.rollback().toString()).startsWith(API + "/links/").isNotEqualTo(links.approve().toString());
    }

    @Test
    void noLinksWhereOpeningTheBuiltInGateWouldMoveNothing() {
        // the gate of another type, an external flagger-loadtester's gate, or this API's other paths
        CanarySpec otherType = canary("- {name: approve, type: confirm-rollout, url: " + API + "/gate/check}\n");
        CanarySpec loadtester = canary("- {name: approve, type: confirm-promotion, url: http://flagger-loadtester.test/gate/check}\n");
        CanarySpec rollbackOnly = canary("- {name: approve, type: confirm-promotion, url: " + API + "/rollback/check}\n");

        assertThat(actions.links(otherType, "run-1", "confirm-promotion")).isEmpty();
        assertThat(actions.links(loadtester, "run-1", "confirm-promotion")).isEmpty();
        assertThat(actions.links(rollbackOnly, "run-1", "confirm-promotion")).isEmpty();
        assertThat(actions.links(canary("[]\n"), "run-1", "confirm-rollout")).isEmpty();
    }
}

package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A whole rollout on gatewayapi with session affinity: the run's cookie is made while traffic shifts and expired at the end. */
class SessionAffinityE2ETest {

    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void promotedRunLeavesTheRouteAllPrimaryWithTheRunsCookieExpiring() throws Exception {
        CanaryDocument doc = h.canary(CanaryYaml.named("sticky").metricsServer(h.hooksUrl()).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    sessionAffinity:
                      cookieName: flagger-cookie
                      maxAge: 600
                """));

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(h.runWeights(doc, rollout)).containsExactly(50, 0);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());

        ObjectNode route = h.sim.object(ResourceKind.HTTP_ROUTE, "e2e", "sticky").orElseThrow();
        String cookie = route.at("/metadata/annotations/flagstep.dev~1previous-session-affinity-cookie").asText();
        assertThat(cookie).as("a cookie was made while the canary had traffic").matches("flagger-cookie=[a-zA-Z]{10}");
        assertThat(route.at("/metadata/annotations/flagstep.dev~1session-affinity-cookie").isMissingNode()).isTrue();
        JsonNode rules = route.at("/spec/rules");
        assertThat(rules).hasSize(2);
        String value = cookie.substring(cookie.indexOf('=') + 1);
        assertThat(rules.at("/0/matches/0/headers/0/value").asText()).isEqualTo(".*flagger-cookie.*" + value + ".*");
        assertThat(rules.at("/0/filters/0/responseHeaderModifier/add/0/value").asText()).isEqualTo(cookie + "; Max-Age=-1");
        assertThat(rules.at("/1/backendRefs/0/weight").asInt()).isEqualTo(100);
        assertThat(rules.at("/1/backendRefs/1/weight").asInt()).isEqualTo(0);
        assertThat(rules.at("/1/backendRefs/1/filters").isMissingNode()).isTrue();
    }
}

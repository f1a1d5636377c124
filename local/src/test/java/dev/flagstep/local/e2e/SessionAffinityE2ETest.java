package dev.flagstep.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryDocument;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A whole rollout on gatewayapi with session affinity: the run's cookie is made while traffic shifts and expired at the end. */
class SessionAffinityE2ETest {

    static final FailureKit.FaultSwitch FAULTS = new FailureKit.FaultSwitch();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start(FAULTS);
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

    /**
     * A client is routed through the HTTPRoute before every Analysis tick: once it drew the canary and kept the
     * cookie it was given, it stays on the canary at every later weight; a client without the cookie follows the
     * weights; after the promotion the cookie holder is sent to the primary and told to drop the cookie.
     */
    @Test
    void aClientWithTheCanaryCookieStaysOnTheCanaryThroughEveryWeightChange() throws Exception {
        String n = "sticky-client";
        FailureKit.successRate(h, n, 99.9);
        CanaryDocument doc = h.canary(FailureKit.canary(h, n).analysis(FailureKit.analysis(h.hooksUrl(), n, 20, 60) + """
                    sessionAffinity:
                      cookieName: flagger-cookie
                      maxAge: 21600
                """));
        List<String> observed = new CopyOnWriteArrayList<>();
        AtomicReference<String> cookie = new AtomicReference<>();
        FAULTS.on(n, (function, payload) -> {
            if (!function.equals("Analysis")) return;
            HttpRouteClient client = new HttpRouteClient(h.sim.object(ResourceKind.HTTP_ROUTE, "e2e", n).orElseThrow());
            int weight = h.status(doc).canaryWeight();
            if (weight == 0) return;
            if (cookie.get() == null) {
                // a new client that draws the canary (the last slice of the weights) is given the run's cookie
                HttpRouteClient.Answer first = client.send(Optional.empty(), 99);
                assertThat(first.backend()).isEqualTo(n + "-canary");
                assertThat(first.setCookies()).singleElement().asString().endsWith("; Max-Age=21600");
                String set = first.setCookies().get(0);
                cookie.set(set.substring(0, set.indexOf(';')));
            }
            observed.add(weight + ":" + client.send(Optional.of("theme=dark; " + cookie.get()), 0).backend()
                    + ":" + client.send(Optional.empty(), 0).backend());
        });

        Execution rollout = h.deployNewRevision(doc);
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);

        // the cookie holder is on the canary at 20, 40 and 60 %, even drawing the primary's slice; others are not
        assertThat(observed).containsSubsequence(
                "20:" + n + "-canary:" + n + "-primary",
                "40:" + n + "-canary:" + n + "-primary",
                "60:" + n + "-canary:" + n + "-primary");
        assertThat(observed).allMatch(o -> o.contains(":" + n + "-canary:"));
        HttpRouteClient after = new HttpRouteClient(h.sim.object(ResourceKind.HTTP_ROUTE, "e2e", n).orElseThrow());
        HttpRouteClient.Answer back = after.send(Optional.of(cookie.get()), 99);
        assertThat(back.backend()).isEqualTo(n + "-primary");
        assertThat(back.setCookies()).containsExactly(cookie.get() + "; Max-Age=-1");
        assertThat(after.send(Optional.empty(), 99).backend()).isEqualTo(n + "-primary");
    }
}

package dev.flagstep.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds analyses and contexts for the analysis tests; defaults are Flagger's. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final FlaggerMessages MSG = new FlaggerMessages("podinfo", "test", "podinfo");

    int threshold = 1;
    int maxWeight;
    int stepWeight;
    List<Integer> stepWeights = List.of();
    int stepWeightPromotion;
    int iterations;
    List<JsonNode> match = List.of();
    boolean mirror;
    final List<Webhook> webhooks = new ArrayList<>();

    static Fixtures analysis() {
        return new Fixtures();
    }

    Fixtures threshold(int v) { threshold = v; return this; }
    Fixtures maxWeight(int v) { maxWeight = v; return this; }
    Fixtures stepWeight(int v) { stepWeight = v; return this; }
    Fixtures stepWeights(Integer... v) { stepWeights = List.of(v); return this; }
    Fixtures stepWeightPromotion(int v) { stepWeightPromotion = v; return this; }
    Fixtures iterations(int v) { iterations = v; return this; }
    Fixtures mirror() { mirror = true; return this; }

    Fixtures match() {
        match = List.of(JsonNodeFactory.instance.objectNode().set("headers",
                JsonNodeFactory.instance.objectNode().put("x-canary", "insider")));
        return this;
    }

    Fixtures hook(String name, HookType type) {
        webhooks.add(new Webhook(name, type, URI.create("http://loadtester/"), Webhook.DEFAULT_TIMEOUT, 0,
                false, false, Map.of()));
        return this;
    }

    Analysis build() {
        return new Analysis(Duration.ofMinutes(1), threshold, maxWeight, stepWeight, stepWeights,
                stepWeightPromotion, iterations, match, mirror, 0, 100, 100, List.of(), webhooks, List.of(),
                Optional.empty(), Optional.empty(), JsonNodeFactory.instance.objectNode());
    }

    TickContext ctx(String provider) {
        Analysis a = build();
        return new TickContext(a, provider, new PhaseContext("Deployment", Strategy.iterations(a, provider)), MSG);
    }

    TickContext ctx() {
        return ctx("istio");
    }

    static CanaryStatus progressing() {
        return CanaryStatus.initial(T0).sync(CanaryPhase.PROGRESSING, 0, 0, 0, new PhaseContext("Deployment", 0), T0);
    }

    static List<String> texts(Step step) {
        return step.messages().stream().map(Message::text).toList();
    }
}

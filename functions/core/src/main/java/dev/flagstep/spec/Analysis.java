package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code spec.analysis} with Flagger's defaults applied: interval 60s (10s floor), threshold at least 1,
 * ready thresholds 100%. Weights stay as written (0 = not set), because Flagger's arithmetic
 * ({@code maxWeight()}, {@code nextStepWeight()}) distinguishes "not set" from a value.
 *
 * <p>{@code match} holds Istio-style HTTPMatchRequest objects verbatim; routers translate them.
 * {@code extra} keeps Flagger fields kept verbatim ({@code sessionAffinity}, read by {@link SessionAffinity}).
 *
 * <p>Beyond Flagger: {@code gateTimeout} fails a rollout whose confirm-* gate stays closed that long
 * (Flagger #738, #1450); {@code webhookSecretRef} names the secret used to sign webhook bodies with
 * HMAC-SHA256 (Flagger #1192). Both are optional, so every Flagger document stays valid.
 */
public record Analysis(
        Duration interval,
        int threshold,
        int maxWeight,
        int stepWeight,
        List<Integer> stepWeights,
        int stepWeightPromotion,
        int iterations,
        List<JsonNode> match,
        boolean mirror,
        int mirrorWeight,
        int primaryReadyThreshold,
        int canaryReadyThreshold,
        List<MetricCheck> metrics,
        List<Webhook> webhooks,
        List<AlertRef> alerts,
        Optional<Duration> gateTimeout,
        Optional<String> webhookSecretRef,
        ObjectNode extra) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

    public Analysis {
        stepWeights = List.copyOf(stepWeights);
        match = List.copyOf(match);
        metrics = List.copyOf(metrics);
        webhooks = List.copyOf(webhooks);
        alerts = List.copyOf(alerts);
    }

    /** The webhooks of one type, in spec order (the order Flagger calls them). */
    public List<Webhook> hooks(HookType type) {
        return webhooks.stream().filter(w -> w.type() == type).toList();
    }
}

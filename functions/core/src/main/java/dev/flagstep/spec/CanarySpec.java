package dev.flagstep.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/**
 * A Flagger {@code Canary}: identity plus {@code spec}, defaults applied. An absent {@code analysis}
 * block means the analysis is skipped, as in Flagger. {@code extra} keeps the Flagger spec fields we
 * do not act on (e.g. {@code revertOnDeletion}, {@code upstreamRef}) readable. {@code annotations} are the
 * Canary's {@code metadata.annotations} that routers read ({@link #ANNOTATIONS}; e.g. Kuma's mesh).
 */
public record CanarySpec(
        CanaryId id,
        ObjectRef targetRef,
        Optional<ObjectRef> ingressRef,
        Optional<AutoscalerRef> autoscalerRef,
        ServiceSpec service,
        Optional<String> provider,
        Optional<String> metricsServer,
        int progressDeadlineSeconds,
        boolean skipAnalysis,
        boolean suspend,
        Optional<Analysis> analysis,
        ObjectNode extra,
        Map<String, String> annotations) {

    public static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
    /** The Kuma mesh of the canary's TrafficRoute (Flagger's kuma router; default {@code default}). */
    public static final String KUMA_MESH = "kuma.io/mesh";
    /** The Canary annotations flagstep acts on; others are not kept (changing them changes nothing). */
    public static final Set<String> ANNOTATIONS = Set.of(KUMA_MESH);

    public CanarySpec {
        annotations = Map.copyOf(annotations);
    }

    /** A Canary without annotations. */
    public CanarySpec(CanaryId id, ObjectRef targetRef, Optional<ObjectRef> ingressRef, Optional<AutoscalerRef> autoscalerRef,
                      ServiceSpec service, Optional<String> provider, Optional<String> metricsServer, int progressDeadlineSeconds,
                      boolean skipAnalysis, boolean suspend, Optional<Analysis> analysis, ObjectNode extra) {
        this(id, targetRef, ingressRef, autoscalerRef, service, provider, metricsServer, progressDeadlineSeconds, skipAnalysis,
                suspend, analysis, extra, Map.of());
    }

    /** The apex service name: {@code service.name}, else the target's name. */
    public String apexName() {
        return service.name().orElse(targetRef.name());
    }

    /** Flagger's {@code SkipAnalysis()}: the flag, or no analysis block at all. */
    public boolean skipsAnalysis() {
        return skipAnalysis || analysis.isEmpty();
    }

    /** Flagger's {@code revertOnDeletion}: a deleted canary gives its target back the traffic (default false). */
    public boolean revertOnDeletion() {
        return extra.path("revertOnDeletion").asBoolean(false);
    }

    /** The tick length, even when the analysis is skipped. */
    public Duration interval() {
        return analysis.map(Analysis::interval).orElse(Analysis.DEFAULT_INTERVAL);
    }
}

package dev.flagstep.analysis;

import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanarySpec;

/**
 * The parts of a canary a tick decides with: its analysis, the effective provider (the canary's
 * {@code spec.provider}, else the installation default), and what the status setters and event
 * texts need.
 */
public record TickContext(Analysis analysis, String provider, PhaseContext phaseContext, FlaggerMessages messages) {

    /** For a canary that has an analysis block; skipped analyses go through {@link Lifecycle#skipAnalysis}. */
    public static TickContext of(CanarySpec spec, String provider) {
        Analysis analysis = spec.analysis().orElseThrow(() -> new IllegalArgumentException(
                "canary " + spec.id() + " has no analysis block; its rollout skips the analysis"));
        return new TickContext(analysis, provider, PhaseContext.of(spec, provider), FlaggerMessages.of(spec));
    }

    public Strategy strategy() {
        return Strategy.of(analysis, provider);
    }

    /** The iteration count in force (10 for the kubernetes provider when the spec says fewer than 1). */
    public int iterations() {
        return Strategy.iterations(analysis, provider);
    }

    public boolean kubernetes() {
        return Strategy.isKubernetes(provider);
    }
}

package dev.flagstep.analysis;

import dev.flagstep.spec.Analysis;

/**
 * Flagger's deployment strategies, chosen as {@code DeploymentStrategy()} does, after the
 * {@code kubernetes} provider rule (no traffic weights there, so Flagger drops {@code match} and forces
 * {@code iterations: 10} when it is below 1: that provider is always blue/green).
 */
public enum Strategy {
    CANARY("canary"),
    AB_TESTING("ab-testing"),
    BLUE_GREEN("blue-green");

    /** The provider that only switches the apex selector (a NopRouter in Flagger). */
    public static final String KUBERNETES_PROVIDER = "kubernetes";

    /** What Flagger sets {@code iterations} to for the kubernetes provider when it is below 1. */
    public static final int KUBERNETES_DEFAULT_ITERATIONS = 10;

    private final String wireName;

    Strategy(String wireName) {
        this.wireName = wireName;
    }

    /** Flagger's name for the strategy ({@code canary}, {@code ab-testing}, {@code blue-green}). */
    public String wireName() {
        return wireName;
    }

    public static Strategy of(Analysis analysis, String provider) {
        int iterations = iterations(analysis, provider);
        if (hasMatch(analysis, provider) && iterations > 0) {
            return AB_TESTING;
        }
        return iterations > 0 ? BLUE_GREEN : CANARY;
    }

    /**
     * The iteration count Flagger works with: the spec's, or 10 for the kubernetes provider when the
     * spec's is below 1. Flagger mutates its in-memory copy, so this is also the value behind
     * WaitingPromotion's {@code iterations = analysis.iterations - 1}.
     */
    public static int iterations(Analysis analysis, String provider) {
        if (isKubernetes(provider) && analysis.iterations() < 1) {
            return KUBERNETES_DEFAULT_ITERATIONS;
        }
        return analysis.iterations();
    }

    /** Whether the A/B match conditions count: the kubernetes provider drops them. */
    public static boolean hasMatch(Analysis analysis, String provider) {
        return !isKubernetes(provider) && !analysis.match().isEmpty();
    }

    public static boolean isKubernetes(String provider) {
        return KUBERNETES_PROVIDER.equals(provider);
    }

    @Override
    public String toString() {
        return wireName;
    }
}

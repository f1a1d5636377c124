package dev.flagstep.spec;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Flagger's {@code spec.autoscalerRef} ({@code AutoscalerReference}): the user's HorizontalPodAutoscaler or KEDA
 * ScaledObject on the target, copied to {@code {name}-primary} for the primary.
 *
 * @param apiVersion            as written; not used to read the object (HPAs are read as {@code autoscaling/v2},
 *                              ScaledObjects as {@code keda.sh/v1alpha1}, as Flagger does)
 * @param primaryMinReplicas    {@code primaryScalerReplicas.minReplicas}: replaces the copy's minimum
 * @param primaryMaxReplicas    {@code primaryScalerReplicas.maxReplicas}: replaces the copy's maximum
 * @param primaryScalerQueries  ScaledObject only: trigger name → the query its copy uses. Present (even empty), it
 *                              replaces Flagger's automatic rewrite of the trigger queries
 */
public record AutoscalerRef(
        Kind kind,
        String apiVersion,
        String name,
        Optional<Integer> primaryMinReplicas,
        Optional<Integer> primaryMaxReplicas,
        Optional<Map<String, String>> primaryScalerQueries) {

    public AutoscalerRef {
        primaryScalerQueries = primaryScalerQueries.map(Map::copyOf);
    }

    /** The kinds Flagger's CRD accepts. */
    public enum Kind {
        HORIZONTAL_POD_AUTOSCALER("HorizontalPodAutoscaler", "autoscaling/v2"),
        SCALED_OBJECT("ScaledObject", "keda.sh/v1alpha1");

        private final String wireName;
        private final String apiVersion;

        Kind(String wireName, String apiVersion) {
            this.wireName = wireName;
            this.apiVersion = apiVersion;
        }

        public String wireName() {
            return wireName;
        }

        /** The version flagstep reads and writes this kind in. */
        public String apiVersion() {
            return apiVersion;
        }

        public static Optional<Kind> fromWire(String value) {
            return Arrays.stream(values()).filter(k -> k.wireName.equals(value)).findFirst();
        }

        /** For error messages: every accepted kind. */
        public static String expectedValues() {
            return Arrays.stream(values()).map(Kind::wireName).collect(Collectors.joining(" or "));
        }

        @Override
        public String toString() {
            return wireName;
        }
    }

    /** {@code {name}-primary}: the primary's autoscaler (Flagger names it after the autoscaler, not the target). */
    public String primaryName() {
        return name + "-primary";
    }
}

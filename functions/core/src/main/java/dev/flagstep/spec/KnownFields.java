package dev.flagstep.spec;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The field names of Flagger's Canary and MetricTemplate CRDs ({@code artifacts/flagger/crd.yaml},
 * Flagger 1.44), per block. A name outside its block's list is a typo to report; a name in a block's
 * {@code *_EXTRA} list is valid Flagger that flagstep keeps verbatim in the record's {@code extra}.
 */
final class KnownFields {

    static final Set<String> MANIFEST = Set.of("apiVersion", "kind", "metadata", "spec", "status");

    static final Set<String> SPEC_MODELLED = Set.of(
            "targetRef", "ingressRef", "autoscalerRef", "service", "provider", "metricsServer",
            "progressDeadlineSeconds", "skipAnalysis", "suspend", "analysis");
    static final Set<String> SPEC_EXTRA = Set.of(
            "routeRef",         // metric templates' {{ route }} (TemplateModel)
            "upstreamRef",      // Gloo only (GlooRouter); a warning elsewhere (IgnoredFields)
            "revertOnDeletion"); // CanaryDeletion

    /** All used by the routers and the generated Services ({@code portDiscovery}: workload.ServicePorts). */
    static final Set<String> SERVICE_MODELLED = Set.of(
            "name", "port", "targetPort", "portName", "portDiscovery", "gatewayRefs", "hosts", "match", "timeout");
    /**
     * Where each is used: {@code retries}, {@code corsPolicy}, {@code gateways}, {@code trafficPolicy} by IstioRouter
     * ({@code corsPolicy} also by GatewayApiRouter on v1);
     * {@code headers}, {@code rewrite} by IstioRouter and GatewayApiRouter; {@code backendTimeout}, {@code mirror} by
     * GatewayApiRouter; {@code appProtocol}, {@code trafficDistribution} by the generated Services (workload.ServicePorts,
     * PrimaryServices); {@code apex}, {@code primary}, {@code canary} ({@link CustomMetadata}) by the generated
     * Services and KumaRouter; {@code headless}, {@code unmanagedMetadata} by PrimaryServices; {@code delegation} by
     * IstioRouter. A warning from {@link IgnoredFields} when set for a provider that does not use it: {@code meshName},
     * {@code backends} (App Mesh's); also {@code backendTimeout}/{@code mirror} off gatewayapi, {@code corsPolicy} on
     * gatewayapi:v1beta1 and {@code delegation} off istio.
     */
    static final Set<String> SERVICE_EXTRA = Set.of(
            "appProtocol", "trafficDistribution", "headless", "backendTimeout", "meshName", "backends",
            "delegation", "retries", "rewrite", "mirror", "headers", "gateways", "corsPolicy",
            "trafficPolicy", "apex", "primary", "canary", "unmanagedMetadata");

    static final Set<String> ANALYSIS_MODELLED = Set.of(
            "interval", "threshold", "maxWeight", "stepWeight", "stepWeights", "stepWeightPromotion",
            "iterations", "match", "mirror", "mirrorWeight", "primaryReadyThreshold", "canaryReadyThreshold",
            "metrics", "webhooks", "alerts",
            "gateTimeout", "webhookSecretRef"); // beyond Flagger
    /** {@code sessionAffinity}: SessionAffinity, used by GatewayApiRouter, IstioRouter and AlbRouter, a warning elsewhere. */
    static final Set<String> ANALYSIS_EXTRA = Set.of("sessionAffinity");

    static final Set<String> METRIC = Set.of(
            "name", "interval", "threshold", "thresholdRange", "query", "templateRef", "templateVariables");
    static final Set<String> THRESHOLD_RANGE = Set.of("min", "max");
    static final Set<String> TEMPLATE_REF = Set.of("name", "namespace");
    static final Set<String> WEBHOOK = Set.of(
            "name", "type", "muteAlert", "url", "timeout", "retries", "disableTLS", "metadata");
    static final Set<String> ALERT = Set.of("name", "severity", "providerRef");
    static final Set<String> ALERT_PROVIDER = Set.of("type", "channel", "username", "address", "proxy", "secretRef");
    static final Set<String> PROVIDER_REF = Set.of("name", "namespace");
    static final Set<String> OBJECT_REF = Set.of("apiVersion", "kind", "name");
    /** {@code autoscalerRef} (AutoscalerRef): used by the workload's autoscaler package. */
    static final Set<String> AUTOSCALER_REF = Set.of(
            "apiVersion", "kind", "name", "primaryScalerQueries", "primaryScalerReplicas");
    static final Set<String> SCALER_REPLICAS = Set.of("minReplicas", "maxReplicas");

    static final Set<String> TEMPLATE_SPEC = Set.of("provider", "query");
    static final Set<String> TEMPLATE_PROVIDER = Set.of(
            "type", "address", "headers", "secretRef", "region", "insecureSkipVerify");
    static final Set<String> SECRET_REF = Set.of("name");

    static final Set<String> SPEC = union(SPEC_MODELLED, SPEC_EXTRA);
    static final Set<String> SERVICE = union(SERVICE_MODELLED, SERVICE_EXTRA);
    static final Set<String> ANALYSIS = union(ANALYSIS_MODELLED, ANALYSIS_EXTRA);

    /** The blocks a misplaced field may belong to, to say "belongs under analysis" rather than "unknown". */
    private static final Map<String, Set<String>> BLOCKS = blocks();

    private static Map<String, Set<String>> blocks() {
        Map<String, Set<String>> blocks = new LinkedHashMap<>();
        blocks.put("spec", SPEC);
        blocks.put("analysis", ANALYSIS);
        blocks.put("service", SERVICE);
        return blocks;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private KnownFields() {}

    /**
     * The sentence for a field that is not in {@code known}: a close spelling if there is one, else the
     * block (spec, service, analysis) where a field of that exact name does live.
     */
    static String unknownFieldMessage(String field, Set<String> known, String block) {
        Optional<String> close = closest(field, known);
        if (close.isPresent()) {
            return "unknown field; did you mean \"" + close.get() + "\"?";
        }
        for (var entry : BLOCKS.entrySet()) {
            if (!entry.getKey().equals(block) && entry.getValue().contains(field)) {
                return "unknown field here; \"" + field + "\" belongs in " + entry.getKey();
            }
        }
        return "unknown field";
    }

    /** The known name at the smallest edit distance (transpositions count 1), if it is close enough. */
    static Optional<String> closest(String field, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known.stream().sorted().toList()) {
            int d = distance(field.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // Two edits catch typos without suggesting "name" for "mode"-like short unrelated words.
        int allowed = Math.min(2, Math.max(1, field.length() / 4));
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
    static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 3 || a.length() > 64 || b.length() > 64) {
            return Integer.MAX_VALUE; // not a typo of anything we know; keeps the cost bounded
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

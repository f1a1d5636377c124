package dev.flagstep.local.e2e;

import java.util.Map;

/**
 * Flagger Canary documents for the local tests (end-to-end, phase handlers, serve), in the shape
 * users write them: a Deployment target with the canary's name, service port 9898 and, on a Gateway
 * API provider, the {@code public} gateway. Each named option changes one thing; the analysis block
 * is the test's own, written as the user would (indented by four spaces, under {@code analysis:}).
 *
 * <pre>{@code
 * CanaryYaml.named("cr").metricsServer(hooks).analysis("""
 *             interval: 10s
 *             ...
 *         """)
 * }</pre>
 */
public final class CanaryYaml {

    /** The hook names the tests use for each webhook type (Flagger's docs use the same). */
    private static final Map<String, String> HOOK_NAMES = Map.of(
            "confirm-rollout", "confirm",
            "pre-rollout", "pre",
            "rollback", "rb",
            "rollout", "load",
            "confirm-traffic-increase", "traffic",
            "confirm-promotion", "promote",
            "post-rollout", "post",
            "event", "events");

    /** The builtin request-success-rate check, at least 99% over 1m: a {@code metrics:} list (four-space indent). */
    public static final String SUCCESS_RATE = """
                metrics:
                  - name: request-success-rate
                    thresholdRange:
                      min: 99
                    interval: 1m
            """;

    private final String name;
    private String namespace = "e2e";
    private String provider = "gatewayapi:v1";
    private String kind = "Deployment";
    private String metricsServer;
    private final StringBuilder spec = new StringBuilder();

    private CanaryYaml(String name) {
        this.name = name;
    }

    /** A canary in namespace {@code e2e} on {@code gatewayapi:v1}, with no metrics server of its own. */
    public static CanaryYaml named(String name) {
        return new CanaryYaml(name);
    }

    public CanaryYaml namespace(String namespace) {
        this.namespace = namespace;
        return this;
    }

    /** The provider; only {@code gatewayapi*} providers get the {@code gatewayRefs}. */
    public CanaryYaml provider(String provider) {
        this.provider = provider;
        return this;
    }

    /** The target's kind ({@code targetRef.kind}); Deployment unless set. A Service is a Kubernetes one ({@code v1}). */
    public CanaryYaml kind(String kind) {
        this.kind = kind;
        return this;
    }

    public CanaryYaml metricsServer(String url) {
        this.metricsServer = url;
        return this;
    }

    /** One more field under {@code spec:}, as {@code "key: value"} ({@code "skipAnalysis: true"}). */
    public CanaryYaml spec(String field) {
        spec.append("  ").append(field.strip()).append('\n');
        return this;
    }

    /** The document, with this analysis block (four-space indent) under {@code analysis:}. */
    public String analysis(String analysis) {
        StringBuilder y = new StringBuilder("""
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: %1$s
                  namespace: %2$s
                spec:
                  provider: %3$s
                """.formatted(name, namespace, provider));
        if (metricsServer != null) {
            y.append("  metricsServer: ").append(metricsServer).append('\n');
        }
        y.append(spec);
        y.append("""
                  targetRef:
                    apiVersion: %3$s
                    kind: %2$s
                    name: %1$s
                  service:
                    port: 9898
                """.formatted(name, kind, kind.equals("Service") ? "v1" : "apps/v1"));
        if (provider.startsWith("gatewayapi")) {
            y.append("""
                        gatewayRefs:
                          - name: public
                            namespace: gateway
                    """);
        }
        return y.append("  analysis:\n").append(analysis.stripTrailing()).append('\n').toString();
    }

    /**
     * A {@code webhooks:} list (four-space indent) with one hook per type, in the given order, at
     * {@code {base}/{type}}, named as the tests name them: confirm, pre, rb, load, traffic, promote, post, events.
     */
    public static String webhooks(String base, String... types) {
        StringBuilder y = new StringBuilder("    webhooks:\n");
        for (String type : types) {
            String hookName = HOOK_NAMES.get(type);
            if (hookName == null) {
                throw new IllegalArgumentException("no test name for webhook type " + type);
            }
            y.append("      - name: ").append(hookName).append('\n')
                    .append("        type: ").append(type).append('\n')
                    .append("        url: ").append(base).append('/').append(type).append('\n');
        }
        return y.toString();
    }
}

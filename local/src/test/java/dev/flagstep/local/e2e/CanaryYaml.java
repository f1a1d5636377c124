package dev.flagstep.local.e2e;

/** Flagger Canary documents for the end-to-end tests, in the shape users write them. */
final class CanaryYaml {

    private CanaryYaml() {}

    /**
     * A Gateway API canary in namespace {@code e2e} whose analysis block is given (indented by four
     * spaces, under {@code analysis:}); {@code hooks} is the receiver's base URL, also used as the
     * canary's metrics server.
     */
    static String gatewayApi(String name, String hooks, String analysis) {
        return """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: %1$s
                  namespace: e2e
                spec:
                  provider: gatewayapi:v1
                  metricsServer: %2$s
                  targetRef:
                    apiVersion: apps/v1
                    kind: Deployment
                    name: %1$s
                  service:
                    port: 9898
                    gatewayRefs:
                      - name: public
                        namespace: gateway
                  analysis:
                %3$s
                """.formatted(name, hooks, analysis.stripTrailing());
    }
}

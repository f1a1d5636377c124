package dev.flagstep.local.demo;

import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import java.net.URI;
import java.util.List;

/**
 * The demo's two canaries, written exactly as a Flagger user would write them (Gateway API,
 * flagger-loadtester hooks, builtin metrics), with the in-cluster addresses of Flagger's docs: the
 * simulated cluster's service proxy takes them to the demo's {@link DemoReceivers}.
 */
public final class DemoCanaries {

    /** flagger-loadtester in namespace test, as in Flagger's tutorials. */
    public static final URI LOADTESTER = URI.create("http://flagger-loadtester.test");
    /** An event webhook receiver (a Slack relay, say) in namespace notifications. */
    public static final URI EVENT_RECEIVER = URI.create("http://event-receiver.notifications");
    /** Prometheus as Istio installs it. */
    public static final URI PROMETHEUS = URI.create("http://prometheus.istio-system:9090");

    private DemoCanaries() {}

    public static List<CanaryDocument> all() {
        return List.of(parse(yaml("podinfo")), parse(yaml("podinfo-bad")));
    }

    static String yaml(String name) {
        return """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: %1$s
                  namespace: test
                spec:
                  provider: gatewayapi:v1
                  metricsServer: %3$s
                  targetRef:
                    apiVersion: apps/v1
                    kind: Deployment
                    name: %1$s
                  progressDeadlineSeconds: 60
                  service:
                    port: 9898
                    targetPort: 9898
                    hosts:
                      - %1$s.example.com
                    gatewayRefs:
                      - name: public
                        namespace: gateway
                  analysis:
                    interval: 10s
                    threshold: 2
                    maxWeight: 50
                    stepWeight: 10
                    metrics:
                      - name: request-success-rate
                        thresholdRange:
                          min: 99
                        interval: 1m
                      - name: request-duration
                        thresholdRange:
                          max: 500
                        interval: 1m
                    webhooks:
                      - name: acceptance-test
                        type: pre-rollout
                        url: %2$s/
                        timeout: 30s
                        metadata:
                          type: bash
                          cmd: "curl -sd 'test' http://%1$s-canary.test:9898/token | grep token"
                      - name: load-test
                        type: rollout
                        url: %2$s/
                        metadata:
                          cmd: "hey -z 1m -q 10 -c 2 http://%1$s-canary.test:9898/"
                      - name: promotion-gate
                        type: confirm-promotion
                        url: %2$s/gate/approve
                      - name: notify
                        type: post-rollout
                        url: %2$s/
                        metadata:
                          type: cmd
                          cmd: "echo rollout of %1$s finished"
                      - name: events
                        type: event
                        url: %4$s/
                """.formatted(name, LOADTESTER, PROMETHEUS, EVENT_RECEIVER);
    }

    private static CanaryDocument parse(String yaml) {
        return switch (new SpecParser().parse(yaml)) {
            case SpecResult.Valid v -> v.document();
            case SpecResult.Invalid inv -> throw new IllegalStateException("demo canary is invalid: " + inv.errors());
        };
    }
}

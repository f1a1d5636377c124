package dev.flagstep.testing;

import dev.flagstep.knative.KnativeService;
import dev.flagstep.spec.CanarySpec;

/** A Knative Service {@code podinfo} in {@code test} as Knative leaves it after creating {@code podinfo-00001}. */
public final class KnativeServices {

    private KnativeServices() {}

    public static KubeCanaries canary() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "knative";
        c.kind = "Service";
        c.apiVersion = KnativeService.API_VERSION;
        return c;
    }

    public static CanarySpec spec() {
        return canary().build();
    }

    /** The Service, its status naming {@code latest} with the given status.traffic (YAML flow list). */
    public static void apply(KubeMockServer kube, String latest, String statusTraffic) {
        kube.apply(KnativeService.SERVICE, """
                metadata: {name: podinfo, namespace: test}
                spec: {template: {spec: {containers: [{name: podinfo, image: 'ghcr.io/stefanprodan/podinfo:6.0.0'}]}}}
                status:
                  latestCreatedRevisionName: %s
                  latestReadyRevisionName: %s
                  traffic: %s
                """.formatted(latest, latest, statusTraffic));
    }

    public static void revision(KubeMockServer kube, String name, boolean ready) {
        kube.apply(KnativeService.REVISION, """
                metadata: {name: %s, namespace: test}
                status: {conditions: [{type: Ready, status: '%s'}]}
                """.formatted(name, ready ? "True" : "False"));
    }
}

package dev.flagstep.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.net.ServiceAddress;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The permissions each kind of canary needs: the Role of docs/routers.md, narrowed to what the canary uses. */
class RequiredAccessTest {

    static CanarySpec canary(String provider, String target, String extra) {
        String yaml = "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: podinfo, namespace: test}\nspec:\n"
                + "  provider: " + provider + "\n  targetRef: " + target + "\n" + extra
                + "  service: {port: 9898, gatewayRefs: [{name: gw}]}\n  analysis: {stepWeight: 10}\n";
        if (provider.equals("nginx") || provider.equals("skipper")) {
            yaml = yaml.replace("  service:", "  ingressRef: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo}\n  service:");
        }
        if (provider.equals("apisix")) {
            yaml = yaml.replace("  service:", "  routeRef: {apiVersion: apisix.apache.org/v2, kind: ApisixRoute, name: podinfo}\n  service:");
        }
        SpecResult r = new SpecParser().parse(yaml);
        assertThat(r).as("%s", r).isInstanceOf(SpecResult.Valid.class);
        return ((SpecResult.Valid) r).document().canary();
    }

    static final String DEPLOYMENT = "{apiVersion: apps/v1, kind: Deployment, name: podinfo}";

    static List<String> shown(List<Access> accesses) {
        return accesses.stream().map(Access::shown).toList();
    }

    static Stream<Arguments> routers() {
        return Stream.of(
                Arguments.of("gatewayapi:v1", List.of("httproutes.gateway.networking.k8s.io")),
                Arguments.of("istio", List.of("virtualservices.networking.istio.io", "destinationrules.networking.istio.io")),
                Arguments.of("nginx", List.of("ingresses.networking.k8s.io")),
                Arguments.of("skipper", List.of("ingresses.networking.k8s.io")),
                Arguments.of("linkerd", List.of("trafficsplits.split.smi-spec.io")),
                Arguments.of("osm", List.of("trafficsplits.split.smi-spec.io")),
                Arguments.of("contour", List.of("httpproxies.projectcontour.io")),
                Arguments.of("gloo", List.of("upstreams.gloo.solo.io", "routetables.gateway.solo.io")),
                Arguments.of("traefik", List.of("traefikservices.traefik.io")),
                Arguments.of("apisix", List.of("apisixroutes.apisix.apache.org")),
                Arguments.of("kubernetes", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routers")
    void eachRoutersObjectsWithEveryVerbItUses(String provider, List<String> objects) {
        List<String> all = shown(RequiredAccess.of(canary(provider, DEPLOYMENT, ""), List.of(), List.of(), false));
        for (String object : objects) {
            for (String verb : RequiredAccess.OWNED) {
                assertThat(all).contains(verb + " " + object + " in namespace test");
            }
        }
        assertThat(all).contains("patch deployments.apps in namespace test", "create services in namespace test",
                "get configmaps in namespace test", "patch secrets in namespace test");
    }

    @Test
    void kumasTrafficRouteIsClusterWide() {
        assertThat(shown(RequiredAccess.of(canary("kuma", DEPLOYMENT, ""), List.of(), List.of(), false)))
                .contains("create trafficroutes.kuma.io cluster-wide").doesNotContain("create trafficroutes.kuma.io in namespace test");
    }

    @Test
    void targetsAutoscalersReceiversAndTheCanaryObject() {
        List<String> ds = shown(RequiredAccess.of(canary("kubernetes", "{apiVersion: apps/v1, kind: DaemonSet, name: podinfo}", ""),
                List.of(), List.of(), false));
        assertThat(ds).contains("patch daemonsets.apps in namespace test").noneMatch(a -> a.contains("deployments"));

        List<String> keda = shown(RequiredAccess.of(canary("kubernetes", DEPLOYMENT,
                "  autoscalerRef: {apiVersion: keda.sh/v1alpha1, kind: ScaledObject, name: podinfo}\n"), List.of(), List.of(), false));
        assertThat(keda).contains("create scaledobjects.keda.sh in namespace test");

        List<String> hooks = shown(RequiredAccess.of(canary("kubernetes", DEPLOYMENT, ""),
                List.of(new ServiceAddress("loadtest", "flagger-loadtester", false, 80), new ServiceAddress("loadtest", "other", false, 80)),
                List.of(new ServiceAddress("istio-system", "prometheus", false, 9090)), true));
        assertThat(hooks).containsOnlyOnce("create services/proxy in namespace loadtest")
                .contains("get services/proxy in namespace istio-system", "patch canaries/status.flagger.app in namespace test",
                        "create events in namespace test");
    }

    @Test
    void aKnativeTargetNeedsItsServiceAndRevisionsAndNoGeneratedServices() {
        List<String> all = shown(RequiredAccess.of(canary("knative",
                "{apiVersion: serving.knative.dev/v1, kind: Service, name: podinfo}", ""), List.of(), List.of(), false));
        assertThat(all).containsExactly("get services.serving.knative.dev in namespace test",
                "list services.serving.knative.dev in namespace test", "patch services.serving.knative.dev in namespace test",
                "get revisions.serving.knative.dev in namespace test");
    }
}

package dev.flagstep.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.KubeCanaries;
import dev.flagstep.testing.KubeMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Iterator;
import java.util.List;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;

/** Flagger's session affinity on an HTTPRoute: sticky rules before the weighted rule, Set-Cookie, expiry at 0. */
class GatewayApiSessionAffinityTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef ROUTE = ResourceKind.HTTP_ROUTE.ref("test", "podinfo");

    static TrafficRouter router(String affinity, String... cookies) {
        KubeCanaries c = KubeCanaries.podinfo();
        c.gatewayRefs.add(json("{name: gateway, namespace: istio-ingress}"));
        c.analysisExtra.set("sessionAffinity", json(affinity));
        Iterator<String> values = List.of(cookies).iterator();
        return new GatewayApiRouter(kube.client(), c.build(), ResourceKind.HTTP_ROUTE, values::next);
    }

    static JsonNode backend(String name, int weight) {
        return json("{group: \"\", kind: Service, name: %s, port: 9898, weight: %d}".formatted(name, weight));
    }

    @Test
    void stickyCanaryRuleComesFirstAndTheCanaryBackendSetsTheCookie() {
        TrafficRouter router = router("{cookieName: flagger-cookie, maxAge: 21600}", "abcdefghij", "unused");
        router.reconcile();
        router.setRoutes(90, 10, false);

        ObjectNode route = kube.require(ROUTE);
        assertThat(route.at("/spec/rules")).isEqualTo(json("""
                - matches:
                    - path: {type: PathPrefix, value: /}
                      headers: [{type: RegularExpression, name: Cookie, value: ".*flagger-cookie.*abcdefghij.*"}]
                  backendRefs:
                    - {group: "", kind: Service, name: podinfo-primary, port: 9898, weight: 0}
                    - {group: "", kind: Service, name: podinfo-canary, port: 9898, weight: 100}
                - matches: [{path: {type: PathPrefix, value: /}}]
                  backendRefs:
                    - {group: "", kind: Service, name: podinfo-primary, port: 9898, weight: 90}
                    - group: ""
                      kind: Service
                      name: podinfo-canary
                      port: 9898
                      weight: 10
                      filters:
                        - type: ResponseHeaderModifier
                          responseHeaderModifier:
                            add: [{name: Set-Cookie, value: "flagger-cookie=abcdefghij; Max-Age=21600"}]
                """));
        assertThat(route.at("/metadata/annotations/flagstep.dev~1session-affinity-cookie").asText())
                .isEqualTo("flagger-cookie=abcdefghij");
        assertThat(router.getRoutes()).isEqualTo(new Routes(90, 10, false));

        // the next step keeps the run's cookie and does not pile up rules
        router.setRoutes(80, 20, false);
        route = kube.require(ROUTE);
        assertThat(route.at("/spec/rules")).hasSize(2);
        assertThat(route.at("/spec/rules/0/matches/0/headers/0/value").asText()).isEqualTo(".*flagger-cookie.*abcdefghij.*");
        assertThat(route.at("/spec/rules/1/backendRefs/1/weight").asInt()).isEqualTo(20);
        assertThat(router.getRoutes()).isEqualTo(new Routes(80, 20, false));

        // a reconcile mid-run (spec taken over) keeps weights, cookie and sticky rule
        router.reconcile();
        assertThat(kube.require(ROUTE).at("/spec/rules")).isEqualTo(route.at("/spec/rules"));
    }

    @Test
    void weightBackToZeroExpiresTheCookieAndANewRunGetsANewOne() {
        TrafficRouter router = router("{cookieName: c, primaryCookieName: p, path: /, secure: true}",
                "AAAAAAAAAA", "PPPPPPPPPP", "BBBBBBBBBB");
        router.reconcile();
        router.setRoutes(50, 50, false);
        ObjectNode route = kube.require(ROUTE);
        assertThat(route.at("/spec/rules")).hasSize(3);
        assertThat(route.at("/spec/rules/1/matches/0/headers/0/value").asText()).isEqualTo(".*p.*PPPPPPPPPP.*");
        assertThat(route.at("/spec/rules/1/backendRefs")).containsExactly(backend("podinfo-primary", 100), backend("podinfo-canary", 0));
        // the primary cookie lives one analysis interval (60s)
        assertThat(route.at("/spec/rules/2/backendRefs/0/filters/0/responseHeaderModifier/add/0/value").asText())
                .isEqualTo("p=PPPPPPPPPP; Max-Age=60; Path=/; Secure");
        assertThat(route.at("/spec/rules/2/backendRefs/1/filters/0/responseHeaderModifier/add/0/value").asText())
                .isEqualTo("c=AAAAAAAAAA; Max-Age=86400; Path=/; Secure");

        router.setRoutes(Routes.allPrimary()); // promotion finished or rollback
        route = kube.require(ROUTE);
        assertThat(route.at("/spec/rules")).isEqualTo(json("""
                - matches:
                    - path: {type: PathPrefix, value: /}
                      headers: [{type: RegularExpression, name: Cookie, value: ".*c.*AAAAAAAAAA.*"}]
                  backendRefs:
                    - {group: "", kind: Service, name: podinfo-primary, port: 9898, weight: 100}
                    - {group: "", kind: Service, name: podinfo-canary, port: 9898, weight: 0}
                  filters:
                    - type: ResponseHeaderModifier
                      responseHeaderModifier: {add: [{name: Set-Cookie, value: "c=AAAAAAAAAA; Max-Age=-1"}]}
                - matches: [{path: {type: PathPrefix, value: /}}]
                  backendRefs:
                    - {group: "", kind: Service, name: podinfo-primary, port: 9898, weight: 100}
                    - {group: "", kind: Service, name: podinfo-canary, port: 9898, weight: 0}
                """));
        assertThat(route.at("/metadata/annotations/flagstep.dev~1session-affinity-cookie").isMissingNode()).isTrue();
        assertThat(route.at("/metadata/annotations/flagstep.dev~1previous-session-affinity-cookie").asText()).isEqualTo("c=AAAAAAAAAA");
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());

        // next run: a new canary cookie, the same primary cookie (Flagger never clears it), no expiry rule
        router.setRoutes(90, 10, false);
        route = kube.require(ROUTE);
        assertThat(route.at("/spec/rules")).hasSize(3);
        assertThat(route.at("/spec/rules/0/matches/0/headers/0/value").asText()).isEqualTo(".*c.*BBBBBBBBBB.*");
        assertThat(route.at("/spec/rules/1/matches/0/headers/0/value").asText()).isEqualTo(".*p.*PPPPPPPPPP.*");
    }

    @Test
    void setCookieCarriesFlaggersAttributesInFlaggersOrder() {
        var a = dev.flagstep.spec.SessionAffinity.of(dev.flagstep.testing.KubeCanaries.podinfo().build()).isPresent();
        assertThat(a).isFalse();
        KubeCanaries c = KubeCanaries.podinfo();
        c.analysisExtra.set("sessionAffinity", json("{cookieName: x, domain: d.io, httpOnly: true, partitioned: true,"
                + " path: /p, sameSite: Lax, secure: true}"));
        var affinity = dev.flagstep.spec.SessionAffinity.of(c.build()).orElseThrow();
        assertThat(affinity.setCookie("x=v", 5)).isEqualTo("x=v; Max-Age=5; Domain=d.io; HttpOnly; Partitioned; Path=/p; SameSite=Lax; Secure");
        assertThat(CookieValues.from(new java.util.SplittableRandom(1)).next()).hasSize(10).matches("[a-zA-Z]{10}");
    }
}

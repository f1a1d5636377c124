package dev.flagstep.router;

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

/** Flagger's session affinity on a VirtualService: sticky routes first, Set-Cookie response headers, expiry at 0. */
class IstioSessionAffinityTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final KubeRef VS = ResourceKind.VIRTUAL_SERVICE.ref("test", "podinfo");

    @Test
    void stickyRoutesDuringTheRunAndAnExpiringRouteAfterIt() {
        KubeCanaries c = KubeCanaries.podinfo();
        c.provider = "istio";
        c.serviceMatch.add(json("{uri: {prefix: /api}}"));
        c.analysisExtra.set("sessionAffinity", json("{cookieName: flagger-cookie, primaryCookieName: primary-cookie, maxAge: 600}"));
        Iterator<String> values = List.of("abcdefghij", "ABCDEFGHIJ", "klmnopqrst").iterator();
        TrafficRouter router = new IstioRouter(kube.client(), c.build(), values::next);
        router.reconcile();
        router.setRoutes(90, 10, false);

        ObjectNode vs = kube.require(VS);
        assertThat(vs.at("/spec/http")).isEqualTo(json("""
                - match: [{uri: {prefix: /api}, headers: {Cookie: {regex: ".*flagger-cookie.*abcdefghij.*"}}}]
                  route:
                    - {destination: {host: podinfo-primary}, weight: 0}
                    - {destination: {host: podinfo-canary}, weight: 100}
                - match: [{uri: {prefix: /api}, headers: {Cookie: {regex: ".*primary-cookie.*ABCDEFGHIJ.*"}}}]
                  route:
                    - {destination: {host: podinfo-primary}, weight: 100}
                    - {destination: {host: podinfo-canary}, weight: 0}
                - match: [{uri: {prefix: /api}}]
                  route:
                    - destination: {host: podinfo-primary}
                      weight: 90
                      headers: {response: {add: {Set-Cookie: "primary-cookie=ABCDEFGHIJ; Max-Age=60"}}}
                    - destination: {host: podinfo-canary}
                      weight: 10
                      headers: {response: {add: {Set-Cookie: "flagger-cookie=abcdefghij; Max-Age=600"}}}
                """));
        assertThat(router.getRoutes()).isEqualTo(new Routes(90, 10, false));

        router.setRoutes(60, 40, false);
        assertThat(kube.require(VS).at("/spec/http")).hasSize(3);
        assertThat(kube.require(VS).at("/spec/http/0/match/0/headers/Cookie/regex").asText()).isEqualTo(".*flagger-cookie.*abcdefghij.*");
        assertThat(router.getRoutes()).isEqualTo(new Routes(60, 40, false));

        router.setRoutes(Routes.allPrimary());
        assertThat(kube.require(VS).at("/spec/http")).isEqualTo(json("""
                - match: [{uri: {prefix: /api}, headers: {Cookie: {regex: ".*flagger-cookie.*abcdefghij.*"}}}]
                  route:
                    - {destination: {host: podinfo-primary}, weight: 100}
                    - {destination: {host: podinfo-canary}, weight: 0}
                  headers: {response: {add: {Set-Cookie: "flagger-cookie=abcdefghij; Max-Age=-1"}}}
                - match: [{uri: {prefix: /api}}]
                  route:
                    - {destination: {host: podinfo-primary}, weight: 100}
                    - {destination: {host: podinfo-canary}, weight: 0}
                """));
        assertThat(router.getRoutes()).isEqualTo(Routes.allPrimary());

        router.setRoutes(90, 10, false); // a new run, a new canary cookie
        assertThat(kube.require(VS).at("/spec/http/0/match/0/headers/Cookie/regex").asText()).isEqualTo(".*flagger-cookie.*klmnopqrst.*");
    }
}

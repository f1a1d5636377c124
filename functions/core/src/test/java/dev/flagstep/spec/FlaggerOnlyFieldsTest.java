package dev.flagstep.spec;

import static dev.flagstep.spec.SpecParserTest.PODINFO;
import static dev.flagstep.spec.SpecParserTest.errors;
import static dev.flagstep.spec.SpecParserTest.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Values of Flagger's service and session-affinity fields Flagger or Kubernetes would fail on: errors naming the field. */
class FlaggerOnlyFieldsTest {

    final SpecParser parser = new SpecParser();

    static String canary(String provider, String service, String analysisExtra) {
        return "provider: " + provider + "\ntargetRef: {kind: Deployment, name: podinfo}\n"
                + (provider.equals("nginx") ? "ingressRef: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo}\n" : "")
                + "service:\n  port: 9898\n  gatewayRefs: [{name: gw}]\n" + service.indent(2)
                + "analysis:\n  stepWeight: 10\n" + analysisExtra.indent(2);
    }

    static String affinity(String provider, String block) {
        return canary(provider, "", "sessionAffinity: " + block);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of(affinity("alb", "{cookieName: c, primaryCookieName: p}"),
                        "analysis.sessionAffinity.primaryCookieName: not supported for provider \"alb\": the ALB sets its own"
                                + " stickiness cookie (AWSALBTG); only maxAge applies"),
                Arguments.of(affinity("alb", "{cookieName: c, secure: true}"),
                        "analysis.sessionAffinity.secure: not supported for provider \"alb\": the ALB sets its own"
                                + " stickiness cookie (AWSALBTG); only maxAge applies"),
                Arguments.of(affinity("alb", "{cookieName: c, maxAge: 604801}"),
                        "analysis.sessionAffinity.maxAge: must be at most 604800 seconds (7 days) on provider \"alb\", got 604801"),
                Arguments.of(affinity("istio", "{maxAge: 60}"), "analysis.sessionAffinity.cookieName: required"),
                Arguments.of(affinity("gatewayapi", "{cookieName: c, primaryCookieName: c}"),
                        "analysis.sessionAffinity.primaryCookieName: must differ from cookieName"),
                Arguments.of(affinity("gatewayapi", "{cookieName: c, sameSite: lax}"),
                        "analysis.sessionAffinity.sameSite: unknown value \"lax\"; expected one of Strict, Lax, None"),
                Arguments.of(affinity("gatewayapi", "yes"), "analysis.sessionAffinity: must be an object"),
                Arguments.of(canary("istio", "unmanagedMetadata: {labels: a}", ""),
                        "service.unmanagedMetadata.labels: must be a list of keys"),
                Arguments.of(canary("istio", "unmanagedMetadata: {label: [a]}", ""),
                        "service.unmanagedMetadata.label: unknown field; expected labels or annotations"),
                Arguments.of(canary("istio", "apex: {labels: {a: 1}}", ""), "service.apex.labels.a: must be a string, got 1"),
                Arguments.of(canary("istio", "primary: {annotation: {a: b}}", ""),
                        "service.primary.annotation: unknown field; expected labels or annotations"),
                Arguments.of(canary("istio", "canary: [a]", ""), "service.canary: must be an object with labels and annotations"),
                Arguments.of(canary("istio", "canary: {labels: [a]}", ""), "service.canary.labels: must be a map of strings"),
                Arguments.of(canary("istio", "trafficDistribution: PreferRemote", ""),
                        "service.trafficDistribution: unknown value \"PreferRemote\"; expected one of PreferClose,"
                                + " PreferSameZone, PreferSameNode"),
                Arguments.of(canary("istio", "delegation: true\nhosts: [app.example.com]", ""),
                        "service.delegation: a delegate VirtualService cannot have service.hosts or service.gateways;"
                                + " remove them (the root VirtualService names the hosts and gateways)"),
                Arguments.of(canary("gatewayapi:v1", "corsPolicy: {allowOrigin: [a.io], maxAge: 1d}", ""),
                        "service.corsPolicy.maxAge: not a duration: \"1d\""));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("rejected")
    void namesTheField(String text, String expected) {
        assertThat(errors(parser.parse(text, PODINFO))).containsExactly(expected);
    }

    @Test
    void acceptedWhereFlagstepActsOnThem() {
        valid(parser.parse(affinity("istio", "{cookieName: c, primaryCookieName: p, sameSite: Lax, maxAge: 60}"), PODINFO));
        valid(parser.parse(affinity("gatewayapi:v1", "{cookieName: c}"), PODINFO));
        valid(parser.parse("upstreamRef: {apiVersion: gloo.solo.io/v1, kind: Upstream, name: u, namespace: gloo-system}\n"
                + canary("gloo", "", ""), PODINFO));
        valid(parser.parse(affinity("alb", "{cookieName: c, maxAge: 3600}").replace("provider: alb\n",
                "provider: alb\ningressRef: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo}\n"), PODINFO));
        valid(parser.parse(canary("kuma", """
                apex: {annotations: {9898.service.kuma.io/protocol: http}, labels: {team: a}}
                primary: {annotations: {9898.service.kuma.io/protocol: http}}
                canary: {labels: {}}
                """, ""), PODINFO));
        valid(parser.parse(canary("gatewayapi", """
                backendTimeout: 5s
                headers: {request: {set: {x-a: b}}}
                rewrite: {uri: /v2}
                mirror: [{backendRef: {name: shadow, port: 80}}]
                headless: true
                unmanagedMetadata: {labels: [owner], annotations: [linkerd.io/inject]}
                delegation: false
                appProtocol: http
                trafficDistribution: PreferClose
                portDiscovery: true
                """, ""), PODINFO));
    }
}

package dev.flagstep.spec;

import static dev.flagstep.spec.FlaggerOnlyFieldsTest.affinity;
import static dev.flagstep.spec.FlaggerOnlyFieldsTest.canary;
import static dev.flagstep.spec.SpecParserTest.PODINFO;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fields Flagger's CRD accepts and Flagger ignores for the canary's provider: the manifest is valid (it applies
 * as it does to Flagger) and each such field is a warning naming it, so nothing is ignored silently.
 */
class IgnoredFieldsTest {

    static final String AS_FLAGGER = ": ignored, as by Flagger: ";
    static final String COPIES = "only the Services generated for a workload use it; with a Service target podinfo-primary"
            + " and podinfo-canary are copies of the target Service (set it there)";
    final SpecParser parser = new SpecParser();

    static String template(String spec) {
        return "---\napiVersion: flagger.app/v1beta1\nkind: MetricTemplate\nmetadata: {name: t, namespace: test}\nspec:\n"
                + spec.indent(2) + "  query: q\n";
    }

    static Stream<Arguments> ignored() {
        String affinity = "analysis.sessionAffinity" + AS_FLAGGER + "session affinity works on istio, gatewayapi and alb, not on ";
        return Stream.of(
                Arguments.of(affinity("nginx", "{cookieName: c}"), affinity + "\"nginx\""),
                Arguments.of(affinity("smi:v1alpha3", "{cookieName: c}"), affinity + "\"smi:v1alpha3\""),
                Arguments.of(affinity("kubernetes", "{cookieName: c}"), affinity + "\"kubernetes\""),
                Arguments.of(canary("traefik", "", "iterations: 5\nmatch: [{headers: {x-canary: {exact: insider}}}]"),
                        "analysis.match" + AS_FLAGGER + "provider \"traefik\" has no A/B routing, so for its iterations the"
                                + " analysis sends all traffic to the canary"),
                Arguments.of(canary("linkerd", "", "iterations: 5\nmirror: true"),
                        "analysis.mirror" + AS_FLAGGER + "provider \"linkerd\" cannot mirror requests; the analysis runs"
                                + " without a mirror"),
                Arguments.of(canary("istio", "meshName: global", ""),
                        "service.meshName" + AS_FLAGGER + "only Flagger's App Mesh provider used it, and " + SpecValidatorTest.APP_MESH),
                Arguments.of(canary("istio", "backends: [backend1]", ""),
                        "service.backends" + AS_FLAGGER + "only Flagger's App Mesh provider used it, and " + SpecValidatorTest.APP_MESH),
                Arguments.of("upstreamRef: {apiVersion: gloo.solo.io/v1, kind: Upstream, name: u}\n" + canary("istio", "", ""),
                        "upstreamRef" + AS_FLAGGER + "only used by the gloo provider, not \"istio\""),
                Arguments.of(canary("gatewayapi", "delegation: true", ""),
                        "service.delegation" + AS_FLAGGER + "only used by the istio provider, not \"gatewayapi\""),
                Arguments.of(canary("istio", "backendTimeout: 5s", ""),
                        "service.backendTimeout" + AS_FLAGGER + "only used by the gatewayapi provider, not \"istio\""),
                Arguments.of(canary("nginx", "mirror: [{backendRef: {name: shadow, port: 80}}]", ""),
                        "service.mirror" + AS_FLAGGER + "only used by the gatewayapi provider, not \"nginx\" (analysis.mirror"
                                + " mirrors to the canary)"),
                Arguments.of(canary("gatewayapi:v1", "corsPolicy: {allowOrigins: [{exact: a.io}]}", ""),
                        "service.corsPolicy.allowOrigins" + AS_FLAGGER + "Istio's origin patterns have no Gateway API form;"
                                + " use corsPolicy.allowOrigin (a list of origins)"),
                // ignored whole on v1beta1, so its maxAge is not checked either
                Arguments.of(canary("gatewayapi:v1beta1", "corsPolicy: {allowOrigin: [a.io], maxAge: 1d}", ""),
                        "service.corsPolicy" + AS_FLAGGER + "only gatewayapi:v1 routes get Flagger's CORS filter, not"
                                + " \"gatewayapi:v1beta1\""),
                Arguments.of(SpecValidatorTest.SERVICE_TARGET + "service: {port: 9898, headless: true, targetPort: http}\n",
                        List.of("service.headless" + AS_FLAGGER + COPIES, "service.targetPort" + AS_FLAGGER + COPIES)),
                Arguments.of(SpecValidatorTest.SERVICE_TARGET + "service: {port: 9898, appProtocol: http, primary: {labels: {a: b}},"
                                + " canary: {annotations: {a: b}}, unmanagedMetadata: {labels: [a]}}\n",
                        List.of("service.appProtocol" + AS_FLAGGER + COPIES, "service.unmanagedMetadata" + AS_FLAGGER + COPIES,
                                "service.primary" + AS_FLAGGER + COPIES, "service.canary" + AS_FLAGGER + COPIES)),
                Arguments.of(canary("istio", "", "") + template("provider: {type: graphite, address: 'http://graphite', headers: {X-Org: [t]}}"),
                        "metricTemplate[t].spec.provider.headers" + AS_FLAGGER + "only used by the prometheus provider, not \"graphite\""),
                Arguments.of(canary("istio", "", "") + template("provider: {type: datadog, insecureSkipVerify: true}"),
                        "metricTemplate[t].spec.provider.insecureSkipVerify" + AS_FLAGGER + "only used by the prometheus,"
                                + " graphite and externalmetrics providers, not \"datadog\""));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("ignored")
    void acceptedWithAWarningNamingTheField(String text, Object expected) {
        SpecResult result = parser.parse(text, PODINFO);
        assertThat(result).as("%s", result).isInstanceOf(SpecResult.Valid.class);
        List<?> all = expected instanceof List<?> l ? l : List.of(expected);
        assertThat(((SpecResult.Valid) result).warnings()).map(SpecWarning::toString).containsExactlyInAnyOrderElementsOf(
                all.stream().map(Object::toString).toList());
    }

    @Test
    void noWarningWhereTheProviderUsesTheField() {
        List.of(affinity("istio", "{cookieName: c}"),
                canary("gatewayapi", "backendTimeout: 5s\nmirror: [{backendRef: {name: s, port: 80}}]\ncorsPolicy: {allowOrigin: [a.io]}",
                        "iterations: 5\nmatch: [{headers: {x: {exact: y}}}]\nmirror: true"),
                canary("contour", "", "iterations: 5\nmatch: [{headers: {x: {exact: y}}}]"),
                canary("istio", "delegation: true\nmeshName: ''", ""),
                canary("istio", "", "") + template("provider: {type: prometheus, address: 'http://p', headers: {X-Org: [t]}, insecureSkipVerify: true}"))
                .forEach(text -> {
                    SpecResult result = parser.parse(text, PODINFO);
                    assertThat(result).as("%s", result).isInstanceOf(SpecResult.Valid.class);
                    assertThat(((SpecResult.Valid) result).warnings()).as(text).isEmpty();
                });
    }

    @Test
    void albRefusesWhatItCannotDo() {
        String alb = "provider: alb\ningressRef: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo}\n";
        assertThat(SpecParserTest.errors(parser.parse(canary("alb", "", "iterations: 5\nmatch: [{headers: {x: {exact: y}}}]\nmirror: true")
                .replace("provider: alb\n", alb), PODINFO))).containsExactly(
                "analysis.match: not supported by the alb provider (an ALB cannot route by header); use stepWeight or stepWeights",
                "analysis.mirror: not supported by the alb provider (an ALB cannot mirror requests)");
    }
}

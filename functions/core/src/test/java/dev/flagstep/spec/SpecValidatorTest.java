package dev.flagstep.spec;

import static dev.flagstep.spec.SpecParserTest.PODINFO;
import static dev.flagstep.spec.SpecParserTest.errors;
import static dev.flagstep.spec.SpecParserTest.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error message, exactly as users read it, and all of them at once. */
class SpecValidatorTest {

    static final String TARGET = "targetRef: {kind: Deployment, name: podinfo}\n";
    static final String SERVICE = "service: {port: 9898}\n";
    static final String KNATIVE_TARGET = "targetRef: {apiVersion: serving.knative.dev/v1, kind: Service, name: podinfo}\n";
    static final String SERVICE_TARGET = "targetRef: {apiVersion: v1, kind: Service, name: podinfo}\n";
    static final String HOOK_TYPES = "confirm-rollout, pre-rollout, rollout, confirm-traffic-increase, "
            + "confirm-promotion, post-rollout, rollback, event";
    /** The supported list as messages print it (pinned by {@link #everyProviderOfFlaggersCrdIsAcceptedOrRefusedWithItsReason}). */
    static final String PROVIDERS = String.join(", ", SpecValidator.SUPPORTED_PROVIDERS);

    static final String APP_MESH = "App Mesh reached end of support on 2026-09-30 and flagstep does not support it; move to"
            + " Amazon VPC Lattice with the AWS Gateway API Controller and use provider \"gatewayapi:v1\" (or \"alb\" for"
            + " ingress traffic)";
    static final String METRIC_PROVIDERS = String.join(", ", SpecValidator.SUPPORTED_METRIC_PROVIDERS);

    final SpecParser parser = new SpecParser();

    /** A valid spec around the given analysis lines. */
    static String withAnalysis(String analysis) {
        return TARGET + SERVICE + "analysis:\n" + analysis.indent(2);
    }

    static String hook(String fields) {
        return withAnalysis("stepWeight: 10\nwebhooks:\n  - {name: h, url: 'http://h.test/'}\n  - {name: h, url: 'http://h.test/'}\n  - " + fields);
    }

    static Stream<Arguments> oneProblem() {
        return Stream.of(
                // ranges
                Arguments.of(withAnalysis("stepWeight: 150"), "analysis.stepWeight: must be between 0 and 100, got 150"),
                Arguments.of(withAnalysis("stepWeight: 10\nmaxWeight: 101"), "analysis.maxWeight: must be between 0 and 100, got 101"),
                Arguments.of(withAnalysis("stepWeight: 10\nmaxWeight: -1"), "analysis.maxWeight: must be between 0 and 100, got -1"),
                Arguments.of(withAnalysis("stepWeight: 10\nstepWeightPromotion: 200"), "analysis.stepWeightPromotion: must be between 0 and 100, got 200"),
                Arguments.of(withAnalysis("iterations: -1"), "analysis.iterations: must be 0 or more, got -1"),
                Arguments.of(withAnalysis("stepWeight: 10\nmirrorWeight: 120"), "analysis.mirrorWeight: must be between 0 and 100, got 120"),
                Arguments.of(withAnalysis("stepWeight: 10\ncanaryReadyThreshold: 101"), "analysis.canaryReadyThreshold: must be between 0 and 100, got 101"),
                Arguments.of(withAnalysis("stepWeights: [1, 20, 10]"), "analysis.stepWeights[2]: must be greater than the step before it (20), got 10"),
                Arguments.of(withAnalysis("stepWeights: [5, 5]"), "analysis.stepWeights[1]: must be greater than the step before it (5), got 5"),
                Arguments.of(withAnalysis("stepWeights: [0, 50]"), "analysis.stepWeights[0]: must be between 1 and 100, got 0"),
                Arguments.of(withAnalysis("stepWeights: [50, 101]"), "analysis.stepWeights[1]: must be between 1 and 100, got 101"),
                Arguments.of(TARGET + SERVICE + "progressDeadlineSeconds: -5\n", "spec.progressDeadlineSeconds: must be 0 or more, got -5"),
                Arguments.of(TARGET + "service: {port: 70000}\n", "service.port: must be between 1 and 65535, got 70000"),
                Arguments.of(withAnalysis("threshold: 5\ninterval: 1m"), "analysis: needs iterations, stepWeight or stepWeights (Flagger's CRD requires one)"),
                Arguments.of(withAnalysis("stepWeight: 10\nmatch: [{headers: {x-canary: {exact: insider}}}]"),
                        "analysis.match: A/B testing needs analysis.iterations greater than 0"),
                // durations
                Arguments.of(withAnalysis("stepWeight: 10\ninterval: 1 minute"), "analysis.interval: not a Go duration such as \"1m\" or \"30s\", got \"1 minute\""),
                Arguments.of(withAnalysis("stepWeight: 10\ninterval: 60"), "analysis.interval: must be a Go duration string such as \"1m\" or \"30s\", got 60"),
                Arguments.of(withAnalysis("stepWeight: 10\ngateTimeout: soon"), "analysis.gateTimeout: not a Go duration such as \"1m\" or \"30s\", got \"soon\""),
                Arguments.of(withAnalysis("stepWeight: 10\ngateTimeout: 0s"), "analysis.gateTimeout: must be greater than 0"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: request-duration, interval: 1 min}]"),
                        "analysis.metrics[0].interval: not a Go duration such as \"1m\" or \"30s\", got \"1 min\""),
                // webhooks
                Arguments.of(hook("{name: h, url: /relative}"), "analysis.webhooks[2].url: not an absolute http or https URL"),
                Arguments.of(hook("{name: h, url: 'ftp://h.test/'}"), "analysis.webhooks[2].url: not an absolute http or https URL"),
                Arguments.of(hook("{name: h, url: 'http://'}"), "analysis.webhooks[2].url: not an absolute http or https URL"),
                Arguments.of(hook("{name: h, url: 'http://bad host/'}"), "analysis.webhooks[2].url: not an absolute http or https URL"),
                Arguments.of(hook("{name: h, url: ''}"), "analysis.webhooks[2].url: required"),
                Arguments.of(hook("{name: h}"), "analysis.webhooks[2].url: required"),
                Arguments.of(hook("{url: 'http://h.test/'}"), "analysis.webhooks[2].name: required"),
                Arguments.of(hook("{name: h, type: pre-rolout, url: 'http://h.test/'}"),
                        "analysis.webhooks[2].type: unknown hook type \"pre-rolout\"; expected one of " + HOOK_TYPES),
                Arguments.of(hook("{name: h, url: 'http://h.test/', timeout: 5x}"),
                        "analysis.webhooks[2].timeout: not a Go duration such as \"1m\" or \"30s\", got \"5x\""),
                Arguments.of(hook("{name: h, url: 'http://h.test/', timeout: '15'}"),
                        "analysis.webhooks[2].timeout: not a Go duration such as \"1m\" or \"30s\", got \"15\""),
                Arguments.of(hook("{name: h, url: 'http://h.test/', timeout: 0s}"), "analysis.webhooks[2].timeout: must be greater than 0"),
                Arguments.of(hook("{name: h, url: 'http://h.test/', retries: -1}"), "analysis.webhooks[2].retries: must be 0 or more, got -1"),
                Arguments.of(hook("{name: h, url: 'http://h.test/', metadata: {count: 5}}"),
                        "analysis.webhooks[2].metadata.count: must be a string (flagger-loadtester rejects other types with 400), got 5"),
                Arguments.of(hook("{name: h, url: 'http://h.test/', metadata: {enabled: true}}"),
                        "analysis.webhooks[2].metadata.enabled: must be a string (flagger-loadtester rejects other types with 400), got true"),
                // target, provider, service
                Arguments.of("targetRef: {kind: DaemonSet, name: podinfo}\nautoscalerRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: podinfo}\n" + SERVICE,
                        "autoscalerRef: not supported with targetRef.kind DaemonSet"),
                Arguments.of("targetRef: {apiVersion: apps/v1, kind: Service, name: podinfo}\n" + SERVICE,
                        "targetRef.apiVersion: a Service target is a Kubernetes Service (apiVersion v1) or a Knative Service"
                                + " (apiVersion serving.knative.dev/v1), not \"apps/v1\""),
                // a Kubernetes Service target: Flagger's ServiceController
                Arguments.of(SERVICE_TARGET + SERVICE + "autoscalerRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: podinfo}\n",
                        "autoscalerRef: not supported with a Service target: there is no workload to scale"),
                Arguments.of(SERVICE_TARGET + "service: {port: 9898, name: web}\n",
                        "service.name: must be the target's name (podinfo) or left out with a Service target: the traffic goes"
                                + " to podinfo-primary and podinfo-canary, not web-primary and web-canary"),
                Arguments.of("provider: knative\n" + SERVICE_TARGET + SERVICE + "analysis: {stepWeight: 10}\n",
                        "targetRef: can't use v1/Service as target if provider is set to knative"),
                // Flagger's verifyKnativeCanary
                Arguments.of("provider: istio\n" + KNATIVE_TARGET + "analysis: {stepWeight: 10}\n",
                        "spec.provider: can't use istio provider with Knative Service as target"),
                Arguments.of("provider: knative\n" + TARGET + SERVICE + "analysis: {stepWeight: 10}\n",
                        "targetRef: can't use apps/v1/Deployment as target if provider is set to knative"),
                Arguments.of("provider: knative\n" + KNATIVE_TARGET + "analysis: {stepWeight: 10}\n"
                                + "autoscalerRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: podinfo}\n",
                        "autoscalerRef: can't use autoscaler with Knative Service"),
                Arguments.of("targetRef: {kind: StatefulSet, name: podinfo}\n" + SERVICE, "targetRef.kind: unknown kind \"StatefulSet\"; expected Deployment, DaemonSet or Service"),
                Arguments.of("targetRef: {kind: Deployment}\n" + SERVICE, "targetRef.name: required"),
                Arguments.of("targetRef: {name: podinfo}\n" + SERVICE, "targetRef.kind: required"),
                Arguments.of(SERVICE, "targetRef: required"),
                Arguments.of(TARGET, "service.port: required"),
                Arguments.of(TARGET + "service: {name: podinfo}\n", "service.port: required"),
                Arguments.of(TARGET + SERVICE + "provider: foo\n", "spec.provider: unknown provider \"foo\"; expected one of " + PROVIDERS),
                Arguments.of(TARGET + SERVICE + "provider: smi:v1alpha9\n", "spec.provider: unknown provider \"smi:v1alpha9\"; expected one of " + PROVIDERS),
                Arguments.of(TARGET + SERVICE + "provider: smi:v1alpha9:linkerd\n",
                        "spec.provider: unknown provider \"smi:v1alpha9:linkerd\"; expected one of " + PROVIDERS),
                Arguments.of(TARGET + SERVICE + "provider: smi\n", "spec.provider: " + ProviderNames.PLAIN_SMI),
                Arguments.of(TARGET + SERVICE + "provider: appmesh\n", "spec.provider: " + APP_MESH),
                Arguments.of(TARGET + SERVICE + "provider: appmesh:v1beta2\n", "spec.provider: " + APP_MESH),
                Arguments.of(TARGET + SERVICE + "provider: appmesh:v1beta2:x\n", "spec.provider: " + APP_MESH),
                Arguments.of(TARGET + SERVICE + "provider: nginx\n", "ingressRef: required when spec.provider is \"nginx\""),
                Arguments.of(TARGET + SERVICE + "provider: gatewayapi:v1\n", "service.gatewayRefs: required when spec.provider is \"gatewayapi:v1\""),
                Arguments.of(TARGET + SERVICE + "provider: gatewayapi\n", "service.gatewayRefs: required when spec.provider is \"gatewayapi\""),
                // metrics
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{thresholdRange: {min: 99}}]"), "analysis.metrics[0].name: required"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: request-success-rate, thresholdRange: {min: 99, max: 1.5}}]"),
                        "analysis.metrics[0].thresholdRange: min (99) must not be greater than max (1.5)"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: error-rate}]"),
                        "analysis.metrics[0]: \"error-rate\" is not a builtin metric (request-success-rate, request-duration); give a query or a templateRef"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: x, query: 'up', templateRef: {name: x}}]")
                                + template("x", "test", "type: prometheus\naddress: 'http://prometheus:9090'"),
                        "analysis.metrics[0]: give either query or templateRef, not both"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: latency, templateRef: {name: latency}}]"),
                        "analysis.metrics[0].templateRef: no MetricTemplate \"latency\" in namespace \"test\" in this document; add it after a --- line"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: latency, templateRef: {name: latency, namespace: other}}]")
                                + template("latency", "test", "type: prometheus\naddress: 'http://prometheus:9090'"),
                        "analysis.metrics[0].templateRef: no MetricTemplate \"latency\" in namespace \"other\" in this document; add it after a --- line"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: r, thresholdRange: {max: 1}, templateRef: {name: errors}}]")
                                + template("errors", "test", "type: cloudwatch\nregion: eu-west-1"),
                        "analysis.metrics[0].interval: required for metrics of the cloudwatch template \"errors\""
                                + " (Flagger fails at run time with \"error parsing metric interval\")"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: r, thresholdRange: {max: 1}, templateRef: {name: dd}}]")
                                + template("dd", "test", "type: datadog\nsecretRef: {name: datadog}"),
                        "analysis.metrics[0].interval: required for metrics of the datadog template \"dd\""
                                + " (Flagger fails at run time with \"error parsing metric interval\")"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: r, thresholdRange: {max: 1}, templateRef: {name: sf}}]")
                                + template("sf", "test", "type: splunk\naddress: https://api.us1.signalfx.com\nsecretRef: {name: sf}"),
                        "analysis.metrics[0].interval: required for metrics of the splunk template \"sf\""
                                + " (Flagger fails at run time with \"error parsing metric interval\")"),
                // metric templates
                Arguments.of(TARGET + SERVICE + template("errors", "test", "type: cloudwatch"),
                        "metricTemplate[errors].spec.provider.region: required for the cloudwatch provider"),
                Arguments.of(TARGET + SERVICE + template("errors", "test", "type: prometeus"),
                        "metricTemplate[errors].spec.provider.type: unknown metric provider \"prometeus\"; expected one of " + METRIC_PROVIDERS),
                Arguments.of(TARGET + SERVICE + template("errors", "test", "type: prometheus\nheaders: {X-Org: tenant}"),
                        "metricTemplate[errors].spec.provider.headers.X-Org: must be a list of strings (an http.Header), got \"tenant\""),
                // alerts
                Arguments.of(withAnalysis("stepWeight: 10\nalerts: [{name: a, severity: critical, providerRef: {name: slack}}]"),
                        "analysis.alerts[0].severity: unknown severity \"critical\"; expected one of info, warn, error"),
                Arguments.of(withAnalysis("stepWeight: 10\nalerts: [{name: a}]"), "analysis.alerts[0].providerRef: required"),
                // autoscalerRef
                Arguments.of(TARGET + SERVICE + "autoscalerRef: {kind: VerticalPodAutoscaler, name: podinfo}\n",
                        "autoscalerRef.kind: unknown kind \"VerticalPodAutoscaler\"; expected HorizontalPodAutoscaler or ScaledObject"),
                Arguments.of(TARGET + SERVICE + "autoscalerRef: {name: podinfo}\n", "autoscalerRef.kind: required"),
                Arguments.of(TARGET + SERVICE + "autoscalerRef: {kind: ScaledObject}\n", "autoscalerRef.name: required"),
                Arguments.of(TARGET + SERVICE + "autoscalerRef: {kind: HorizontalPodAutoscaler, name: p, primaryScalerReplicas: {minReplicas: 0}}\n",
                        "autoscalerRef.primaryScalerReplicas.minReplicas: must be at least 1, got 0"),
                Arguments.of(TARGET + SERVICE + "autoscalerRef: {kind: HorizontalPodAutoscaler, name: p, primaryScalerReplicas: {maxReplicas: -2}}\n",
                        "autoscalerRef.primaryScalerReplicas.maxReplicas: must be at least 1, got -2"),
                Arguments.of(TARGET + SERVICE + "autoscalerRef: {kind: ScaledObject, name: p, primaryScalerReplicas: {minReplicas: 5, maxReplicas: 3}}\n",
                        "autoscalerRef.primaryScalerReplicas: minReplicas (5) must not be greater than maxReplicas (3)"),
                Arguments.of(TARGET + SERVICE + "autoscalerRef: {kind: ScaledObject, name: p, primaryScalerReplicas: {minReplica: 5}}\n",
                        "autoscalerRef.primaryScalerReplicas.minReplica: unknown field; did you mean \"minReplicas\"?"),
                Arguments.of(TARGET + SERVICE + "autoscalerRef: {kind: HorizontalPodAutoscaler, name: p, primaryScalerQueries: {prom: 'up'}}\n",
                        "autoscalerRef.primaryScalerQueries: only for kind ScaledObject (KEDA trigger queries), not HorizontalPodAutoscaler"),
                Arguments.of(TARGET + SERVICE + "autoscalerRef: {kind: ScaledObject, name: p, primaryScalerQueries: {prom: 5}}\n",
                        "autoscalerRef.primaryScalerQueries.prom: must be a string, got 5"),
                // unknown fields
                Arguments.of(withAnalysis("stepWeigth: 10"), "analysis.stepWeigth: unknown field; did you mean \"stepWeight\"?"),
                Arguments.of(withAnalysis("stepWeight: 10\nthresold: 5"), "analysis.thresold: unknown field; did you mean \"threshold\"?"),
                Arguments.of(withAnalysis("stepWeight: 10\nwebhooks: [{name: h, url: 'http://h.test/', metdata: {}}]"),
                        "analysis.webhooks[0].metdata: unknown field; did you mean \"metadata\"?"),
                Arguments.of(withAnalysis("stepWeight: 10\nmetrics: [{name: request-duration, thresholdRange: {mxa: 500}}]"),
                        "analysis.metrics[0].thresholdRange.mxa: unknown field; did you mean \"max\"?"),
                Arguments.of(TARGET + "service: {port: 9898, stepWeight: 10}\n", "service.stepWeight: unknown field here; \"stepWeight\" belongs in analysis"),
                Arguments.of(TARGET + SERVICE + "skipAnalisys: true\n", "spec.skipAnalisys: unknown field; did you mean \"skipAnalysis\"?"),
                Arguments.of(TARGET + SERVICE + "colour: blue\n", "spec.colour: unknown field"),
                // a capital I is still an i under a Turkish default locale (the test JVMs run in tr-TR)
                Arguments.of(withAnalysis("stepWeight: 10\nmIrrro: true"), "analysis.mIrrro: unknown field; did you mean \"mirror\"?"),
                // types
                Arguments.of(withAnalysis("stepWeight: '10'"), "analysis.stepWeight: must be a whole number, got \"10\""),
                Arguments.of(withAnalysis("stepWeight: 10.5"), "analysis.stepWeight: must be a whole number, got 10.5"),
                Arguments.of(withAnalysis("stepWeight: 99999999999"), "analysis.stepWeight: must be a whole number between -2147483648 and 2147483647, got 99999999999"),
                Arguments.of(withAnalysis("stepWeight: 10\nmirror: 'yes'"), "analysis.mirror: must be true or false, got \"yes\""),
                Arguments.of(withAnalysis("stepWeight: 10\nwebhooks: {name: h}"), "analysis.webhooks: must be a list, got an object"),
                Arguments.of(withAnalysis("stepWeight: 10\nwebhooks: [hook]"), "analysis.webhooks[0]: must be an object, got \"hook\""),
                Arguments.of(TARGET + "service: 9898\n", "service: must be an object, got 9898"),
                Arguments.of(TARGET + SERVICE + "analysis: [stepWeight]\n", "analysis: must be an object, got a list"));
    }

    static String template(String name, String namespace, String provider) {
        return "---\napiVersion: flagger.app/v1beta1\nkind: MetricTemplate\nmetadata: {name: " + name + ", namespace: " + namespace
                + "}\nspec:\n  provider:\n" + provider.indent(4) + "  query: 'sum(rate(x[{{ interval }}]))'\n";
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("oneProblem")
    void reportsExactlyThisProblem(String text, String expected) {
        assertThat(errors(parser.parse(text, PODINFO))).containsExactly(expected);
    }

    /** {@code spec.provider}'s enum in Flagger 1.44's CRD ({@code artifacts/flagger/crd.yaml}). */
    static final List<String> FLAGGER_CRD_PROVIDERS = List.of(
            "apisix", "appmesh", "appmesh:v1beta2", "contour", "gatewayapi:v1", "gatewayapi:v1beta1", "gloo", "istio",
            "knative", "kubernetes", "kuma", "linkerd", "nginx", "osm", "skipper", "smi:v1alpha1", "smi:v1alpha2",
            "smi:v1alpha3", "traefik");

    @Test
    void everyProviderOfFlaggersCrdIsAcceptedOrRefusedWithItsReason() {
        for (String provider : FLAGGER_CRD_PROVIDERS) {
            SpecResult result = parser.parse(FlaggerOnlyFieldsTest.canary(provider, "", ""), PODINFO);
            if (provider.equals("knative")) { // with a Deployment target; its Knative Service target is below
                assertThat(errors(result)).as(provider).containsExactly(
                        "targetRef: can't use apps/v1/Deployment as target if provider is set to knative");
            } else if (provider.startsWith("appmesh")) {
                assertThat(errors(result)).as(provider).containsExactly("spec.provider: " + APP_MESH);
            } else {
                assertThat(result).as(provider).isInstanceOf(SpecResult.Valid.class);
            }
        }
        // the plain mistakes of issue 17 and the SMI aliases, implemented by TrafficRouters
        for (String provider : List.of("gatewayapi:v1beta1", "osm", "linkerd", "smi:v1alpha1", "smi:v1alpha1:linkerd",
                "smi:v1alpha2:osm", "smi:v1alpha3:linkerd")) {
            valid(parser.parse(FlaggerOnlyFieldsTest.canary(provider, "", ""), PODINFO));
        }
        assertThat(SpecValidator.SUPPORTED_PROVIDERS).doesNotContain("smi");
    }

    @Test
    void aKubernetesServiceTargetIsAccepted() {
        for (String target : List.of(SERVICE_TARGET, "targetRef: {kind: Service, name: podinfo}\n")) {
            for (String provider : List.of("", "provider: kubernetes\n", "provider: istio\n", "provider: gatewayapi:v1\n"
                    + "service: {port: 9898, gatewayRefs: [{name: public}]}\n")) {
                String service = provider.contains("service:") ? "" : SERVICE;
                CanarySpec c = valid(parser.parse(provider + target + service + "analysis: {stepWeight: 10}\n", PODINFO)).canary();
                assertThat(c.targetRef()).as("a Service without an apiVersion is a Kubernetes Service")
                        .isEqualTo(new ObjectRef("v1", "Service", "podinfo"));
            }
        }
        valid(parser.parse(SERVICE_TARGET + "service: {port: 9898, name: podinfo, trafficDistribution: PreferClose, headless: false}\n"
                + "analysis: {stepWeight: 10}\n", PODINFO));
    }

    @Test
    void knativeServiceTargetNeedsNoServiceBlock() {
        valid(parser.parse("provider: knative\n" + KNATIVE_TARGET + "analysis: {stepWeight: 10, maxWeight: 50}\n", PODINFO));
        assertThat(errors(parser.parse("provider: istio\n" + TARGET + "analysis: {stepWeight: 10}\n", PODINFO)))
                .containsExactly("service.port: required");
    }

    @Test
    void everyProblemAtOnce() {
        String text = """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata: {name: podinfo, namespace: test}
                spec:
                  provider: foo
                  targetRef: {kind: Deployment}
                  service: {port: 9898}
                  analysis:
                    interval: 1 minute
                    stepWeight: 150
                    stepWeigth: 5
                    metrics:
                      - {name: latency, templateRef: {name: latency}}
                    webhooks:
                      - {name: gate, type: pre-rolout, url: 'http://gate.test/'}
                      - {name: load, url: 'http://load.test/', metadata: {rps: 10}}
                      - {name: bad, url: 'loadtester/'}
                """;
        assertThat(errors(parser.parse(text))).containsExactlyInAnyOrder(
                "spec.provider: unknown provider \"foo\"; expected one of " + PROVIDERS,
                "targetRef.name: required",
                "analysis.interval: not a Go duration such as \"1m\" or \"30s\", got \"1 minute\"",
                "analysis.stepWeight: must be between 0 and 100, got 150",
                "analysis.stepWeigth: unknown field; did you mean \"stepWeight\"?",
                "analysis.metrics[0].templateRef: no MetricTemplate \"latency\" in namespace \"test\" in this document; add it after a --- line",
                "analysis.webhooks[0].type: unknown hook type \"pre-rolout\"; expected one of " + HOOK_TYPES,
                "analysis.webhooks[1].metadata.rps: must be a string (flagger-loadtester rejects other types with 400), got 10",
                "analysis.webhooks[2].url: not an absolute http or https URL");
    }

    @Test
    void autoscalerRefIsReadWithItsTuning() {
        String text = TARGET + SERVICE + """
                autoscalerRef:
                  apiVersion: keda.sh/v1alpha1
                  kind: ScaledObject
                  name: podinfo-so
                  primaryScalerReplicas: {minReplicas: 2, maxReplicas: 6}
                  primaryScalerQueries: {prom: 'sum(rate(http_requests_total{app="podinfo-primary"}[1m]))'}
                """;
        assertThat(valid(parser.parse(text, PODINFO)).canary().autoscalerRef()).contains(new AutoscalerRef(
                AutoscalerRef.Kind.SCALED_OBJECT, "keda.sh/v1alpha1", "podinfo-so", java.util.Optional.of(2),
                java.util.Optional.of(6), java.util.Optional.of(java.util.Map.of("prom",
                        "sum(rate(http_requests_total{app=\"podinfo-primary\"}[1m]))"))));
        // without apiVersion the kind's own; an empty queries map is still "set" (it turns the automatic rewrite off)
        assertThat(valid(parser.parse(TARGET + SERVICE + "autoscalerRef: {kind: ScaledObject, name: so, primaryScalerQueries: {}}\n",
                PODINFO)).canary().autoscalerRef().orElseThrow())
                .extracting(AutoscalerRef::apiVersion, AutoscalerRef::primaryScalerQueries)
                .containsExactly("keda.sh/v1alpha1", java.util.Optional.of(java.util.Map.of()));
    }

    @Test
    void autoscalerRefOnADaemonSetIsRefused() {
        String text = "targetRef: {kind: DaemonSet, name: podinfo}\n" + SERVICE
                + "autoscalerRef: {kind: HorizontalPodAutoscaler, name: podinfo}\n";
        assertThat(errors(parser.parse(text, PODINFO))).contains("autoscalerRef: not supported with targetRef.kind DaemonSet");
    }

    @Test
    void templatesFromElsewhereCanBeAllowed() {
        String text = withAnalysis("stepWeight: 10\nmetrics: [{name: latency, templateRef: {name: latency}}]");
        assertThat(valid(new SpecParser(new SpecValidator(false)).parse(text, PODINFO)).metricTemplates()).isEmpty();
    }

    @Test
    void templatesResolveByNamespaceAndDefaultToTheCanarys() {
        String text = withAnalysis("""
                stepWeight: 10
                metrics:
                  - {name: a, templateRef: {name: latency}, interval: 1m}
                  - {name: b, templateRef: {name: errors, namespace: monitoring}, interval: 1m}
                """)
                + "---\napiVersion: flagger.app/v1beta1\nkind: MetricTemplate\nmetadata: {name: latency}\n"
                + "spec: {provider: {type: prometheus, address: 'http://prometheus:9090'}, query: 'up'}\n"
                + template("errors", "monitoring", "type: cloudwatch\nregion: eu-west-1");
        CanaryDocument document = valid(parser.parse(text, PODINFO));
        assertThat(document.metricTemplates()).extracting(MetricTemplate::namespace, MetricTemplate::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("test", "latency"),
                        org.assertj.core.groups.Tuple.tuple("monitoring", "errors"));
    }

    @Test
    void validatorAloneChecksAHandBuiltDocument() {
        CanaryDocument document = valid(parser.parse(withAnalysis("stepWeight: 10"), PODINFO));
        CanarySpec c = document.canary();
        Analysis a = c.analysis().orElseThrow();
        Analysis broken = new Analysis(a.interval(), a.threshold(), 300, a.stepWeight(), a.stepWeights(), a.stepWeightPromotion(),
                a.iterations(), a.match(), a.mirror(), a.mirrorWeight(), a.primaryReadyThreshold(), a.canaryReadyThreshold(),
                a.metrics(), a.webhooks(), a.alerts(), a.gateTimeout(), a.webhookSecretRef(), a.extra());
        CanarySpec spec = new CanarySpec(c.id(), c.targetRef(), c.ingressRef(), c.autoscalerRef(), c.service(), c.provider(),
                c.metricsServer(), c.progressDeadlineSeconds(), c.skipAnalysis(), c.suspend(), java.util.Optional.of(broken), c.extra());

        assertThat(SpecValidator.DEFAULT.validate(new CanaryDocument(spec, document.metricTemplates(), document.source())))
                .containsExactly(new SpecError("analysis.maxWeight", "must be between 0 and 100, got 300"));
    }
}

package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the model from the JSON tree of a Canary's {@code spec} or a MetricTemplate, applying
 * Flagger's defaults. Type errors, unknown fields and missing required fields go to the error list;
 * the model is still built (with defaults in place of bad values) so {@link SpecValidator} can report
 * its problems in the same answer.
 */
final class CanaryReader {

    /** Flagger's {@code CallWebhook} replaces any timeout shorter than 2 characters with 10s. */
    private static final int SHORTEST_TIMEOUT_TEXT = 2;
    /** Stands in for a webhook URL that is not a URL at all; the document is invalid anyway. */
    private static final URI UNUSABLE_URL = URI.create("http://invalid.invalid/");
    private static final String METADATA_STRINGS = " (flagger-loadtester rejects other types with 400)";

    private final List<SpecError> errors;

    CanaryReader(List<SpecError> errors) {
        this.errors = errors;
    }

    CanarySpec canary(CanaryId id, FieldReader spec, Map<String, String> annotations) {
        spec.rejectUnknown(KnownFields.SPEC, "spec");
        ObjectRef targetRef = spec.object("targetRef")
                // a Service named without an apiVersion is a Kubernetes Service, as Flagger's IsKnativeService reads it
                .map(r -> objectRef(r, r.get("kind").filter(k -> k.asText().equals("Service")).isPresent()
                        ? ServiceTarget.API_VERSION : "apps/v1", Optional.empty(), KnownFields.OBJECT_REF))
                .orElseGet(() -> {
                    if (!spec.has("targetRef")) {
                        spec.error("targetRef", "required");
                    }
                    return new ObjectRef("apps/v1", "", "");
                });
        Optional<ObjectRef> ingressRef = spec.object("ingressRef")
                .map(r -> objectRef(r, "networking.k8s.io/v1", Optional.of("Ingress"), KnownFields.OBJECT_REF));
        Optional<AutoscalerRef> autoscalerRef = spec.object("autoscalerRef").flatMap(this::autoscalerRef);
        ServiceSpec service = spec.object("service").map(this::service).orElseGet(() -> {
            if (!spec.has("service") && !KnativeTarget.is(targetRef)) { // nothing is generated for a Knative Service
                errors.add(new SpecError("service.port", "required"));
            }
            return new ServiceSpec(Optional.empty(), 0, Optional.empty(), Optional.empty(), false,
                    List.of(), List.of(), List.of(), Optional.empty(), JsonNodeFactory.instance.objectNode());
        });
        return new CanarySpec(
                id,
                targetRef,
                ingressRef,
                autoscalerRef,
                service,
                spec.string("provider"),
                spec.string("metricsServer"),
                spec.integer("progressDeadlineSeconds", CanarySpec.DEFAULT_PROGRESS_DEADLINE_SECONDS),
                spec.bool("skipAnalysis"),
                spec.bool("suspend"),
                spec.object("analysis").map(this::analysis),
                spec.extra(KnownFields.SPEC_EXTRA),
                annotations);
    }

    private ObjectRef objectRef(FieldReader ref, String defaultApiVersion, Optional<String> defaultKind,
                                Set<String> known) {
        ref.rejectUnknown(known, ref.path());
        String apiVersion = ref.string("apiVersion").orElse(defaultApiVersion);
        String kind = defaultKind.isPresent() && !ref.has("kind")
                ? defaultKind.get()
                : ref.requiredString("kind");
        return new ObjectRef(apiVersion, kind, ref.requiredString("name"));
    }

    /** Empty (with the error) when the kind is missing or not one of Flagger's two: nothing else to check then. */
    private Optional<AutoscalerRef> autoscalerRef(FieldReader ref) {
        ref.rejectUnknown(KnownFields.AUTOSCALER_REF, ref.path());
        String name = ref.requiredString("name");
        Optional<AutoscalerRef.Kind> kind = Optional.of(ref.requiredString("kind")).filter(k -> !k.isEmpty())
                .flatMap(k -> {
                    Optional<AutoscalerRef.Kind> known = AutoscalerRef.Kind.fromWire(k);
                    if (known.isEmpty()) {
                        ref.error("kind", "unknown kind " + FieldReader.quote(k) + "; expected "
                                + AutoscalerRef.Kind.expectedValues());
                    }
                    return known;
                });
        Optional<FieldReader> replicas = ref.object("primaryScalerReplicas");
        replicas.ifPresent(r -> r.rejectUnknown(KnownFields.SCALER_REPLICAS, r.path()));
        Optional<Map<String, String>> queries = ref.has("primaryScalerQueries")
                ? Optional.of(ref.stringMap("primaryScalerQueries", "")) : Optional.empty();
        return kind.map(k -> new AutoscalerRef(k, ref.string("apiVersion").orElse(k.apiVersion()), name,
                replicas.flatMap(r -> r.integer("minReplicas")), replicas.flatMap(r -> r.integer("maxReplicas")),
                queries));
    }

    private ServiceSpec service(FieldReader service) {
        service.rejectUnknown(KnownFields.SERVICE, "service");
        Optional<JsonNode> targetPort = service.get("targetPort").flatMap(v -> {
            if (v.isTextual() || v.canConvertToInt() && v.isIntegralNumber()) {
                return Optional.of(v.deepCopy());
            }
            service.error("targetPort", "must be a port number or a port name, got " + FieldReader.describe(v));
            return Optional.empty();
        });
        int port = service.integer("port").orElseGet(() -> {
            if (!service.has("port")) {
                service.error("port", "required");
            }
            return 0;
        });
        return new ServiceSpec(
                service.string("name"),
                port,
                targetPort,
                service.string("portName"),
                service.bool("portDiscovery"),
                service.rawObjects("gatewayRefs"),
                service.strings("hosts"),
                service.rawObjects("match"),
                service.string("timeout"),
                service.extra(KnownFields.SERVICE_EXTRA));
    }

    private Analysis analysis(FieldReader analysis) {
        analysis.rejectUnknown(KnownFields.ANALYSIS, "analysis");
        // Flagger's GetAnalysisInterval: default 60s, floor 10s. (It also falls back to 60s on a typo;
        // we report the typo instead, and FieldReader.duration has already done so.)
        Duration interval = analysis.duration("interval")
                .map(d -> d.compareTo(Analysis.MIN_INTERVAL) < 0 ? Analysis.MIN_INTERVAL : d)
                .orElse(Analysis.DEFAULT_INTERVAL);
        int threshold = analysis.integer("threshold", 0);
        List<MetricCheck> metrics = analysis.objects("metrics").stream()
                .flatMap(Optional::stream).map(this::metric).toList();
        List<Webhook> webhooks = analysis.objects("webhooks").stream()
                .flatMap(Optional::stream).map(this::webhook).toList();
        List<AlertRef> alerts = analysis.objects("alerts").stream()
                .flatMap(Optional::stream).map(this::alert).toList();
        return new Analysis(
                interval,
                threshold <= 0 ? 1 : threshold, // Flagger's GetAnalysisThreshold
                analysis.integer("maxWeight", 0),
                analysis.integer("stepWeight", 0),
                analysis.integers("stepWeights"),
                analysis.integer("stepWeightPromotion", 0),
                analysis.integer("iterations", 0),
                analysis.rawObjects("match"),
                analysis.bool("mirror"),
                analysis.integer("mirrorWeight", 0),
                analysis.integer("primaryReadyThreshold", 100),
                analysis.integer("canaryReadyThreshold", 100),
                metrics,
                webhooks,
                alerts,
                analysis.duration("gateTimeout"),
                analysis.string("webhookSecretRef"),
                analysis.extra(KnownFields.ANALYSIS_EXTRA));
    }

    private MetricCheck metric(FieldReader metric) {
        metric.rejectUnknown(KnownFields.METRIC, "metric");
        ThresholdRange range = metric.object("thresholdRange").map(r -> {
            r.rejectUnknown(KnownFields.THRESHOLD_RANGE, "thresholdRange");
            return new ThresholdRange(r.number("min"), r.number("max"));
        }).orElse(ThresholdRange.none());
        Optional<TemplateRef> templateRef = metric.object("templateRef").map(r -> {
            r.rejectUnknown(KnownFields.TEMPLATE_REF, "templateRef");
            return new TemplateRef(r.requiredString("name"), r.string("namespace").filter(ns -> !ns.isEmpty()));
        });
        return new MetricCheck(
                metric.requiredString("name"),
                range,
                metric.number("threshold"),
                metric.string("interval"),
                metric.string("query").filter(q -> !q.isBlank()),
                templateRef,
                metric.stringMap("templateVariables", ""));
    }

    private Webhook webhook(FieldReader hook) {
        hook.rejectUnknown(KnownFields.WEBHOOK, "webhook");
        String name = hook.requiredString("name");
        HookType type = hook.string("type").map(t -> HookType.fromWire(t).orElseGet(() -> {
            hook.error("type", "unknown hook type " + FieldReader.quote(t) + "; expected one of " + HookType.expectedValues());
            return HookType.ROLLOUT;
        })).orElse(HookType.ROLLOUT);
        URI url = url(hook);
        return new Webhook(name, type, url, timeout(hook), hook.integer("retries", 0),
                hook.bool("disableTLS"), hook.bool("muteAlert"), hook.stringMap("metadata", METADATA_STRINGS));
    }

    private static URI url(FieldReader hook) {
        if (!hook.has("url")) {
            hook.requiredString("url");
            return UNUSABLE_URL;
        }
        return hook.string("url").flatMap(text -> {
            if (text.isEmpty()) {
                hook.error("url", "required");
                return Optional.empty();
            }
            try {
                URI uri = new URI(text);
                if (SpecValidator.isHttpUrl(uri)) {
                    return Optional.of(uri);
                }
            } catch (URISyntaxException e) {
                // reported below, as every other non-URL
            }
            hook.error("url", SpecValidator.NOT_A_URL);
            return Optional.empty();
        }).orElse(UNUSABLE_URL);
    }

    /** Flagger: "" and any value shorter than 2 characters mean 10s; anything else must parse. */
    private static Duration timeout(FieldReader hook) {
        if (hook.get("timeout").filter(JsonNode::isTextual).map(JsonNode::textValue)
                .filter(t -> t.length() < SHORTEST_TIMEOUT_TEXT).isPresent()) {
            return Webhook.DEFAULT_TIMEOUT;
        }
        return hook.duration("timeout").orElse(Webhook.DEFAULT_TIMEOUT);
    }

    private AlertRef alert(FieldReader alert) {
        alert.rejectUnknown(KnownFields.ALERT, "alert");
        String name = alert.requiredString("name");
        String severity = alert.string("severity").filter(s -> !s.isEmpty()).orElse("info");
        Optional<FieldReader> providerRef = alert.object("providerRef");
        if (!alert.has("providerRef")) {
            alert.error("providerRef", "required");
        }
        providerRef.ifPresent(r -> r.rejectUnknown(KnownFields.PROVIDER_REF, "providerRef"));
        return new AlertRef(name, severity,
                providerRef.map(r -> r.requiredString("name")).orElse(""),
                providerRef.flatMap(r -> r.string("namespace")).filter(ns -> !ns.isEmpty()));
    }

    /** A MetricTemplate's {@code spec}; the caller has read its metadata. */
    MetricTemplate template(String namespace, String name, FieldReader spec) {
        spec.rejectUnknown(KnownFields.TEMPLATE_SPEC, "metricTemplate");
        MetricProviderSpec provider = spec.object("provider").map(this::provider).orElseGet(() -> {
            if (!spec.has("provider")) {
                spec.error("provider", "required");
            }
            return new MetricProviderSpec("", Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), false);
        });
        return new MetricTemplate(namespace, name, provider, spec.requiredString("query"));
    }

    private MetricProviderSpec provider(FieldReader provider) {
        provider.rejectUnknown(KnownFields.TEMPLATE_PROVIDER, "provider");
        Optional<String> secretRef = provider.object("secretRef").map(r -> {
            r.rejectUnknown(KnownFields.SECRET_REF, "secretRef");
            return r.requiredString("name");
        });
        // Go's http.Header: every header maps to a list of values.
        Map<String, List<String>> headers = new LinkedHashMap<>();
        provider.object("headers").ifPresent(h -> h.node().fieldNames().forEachRemaining(header -> {
            if (h.get(header).filter(JsonNode::isArray).isEmpty()) {
                h.error(header, "must be a list of strings (an http.Header), got "
                        + FieldReader.describe(h.node().get(header)));
            } else {
                headers.put(header, new ArrayList<>(h.strings(header)));
            }
        }));
        return new MetricProviderSpec(
                provider.requiredString("type"),
                provider.string("address").filter(a -> !a.isEmpty()),
                secretRef,
                headers.entrySet().stream().collect(Collectors.toMap(
                        Map.Entry::getKey, e -> List.copyOf(e.getValue()))),
                provider.string("region").filter(r -> !r.isEmpty()),
                provider.bool("insecureSkipVerify"));
    }
}

package dev.flagstep.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rules a canary document must follow beyond its field types: ranges, combinations, what
 * flagstep supports, and references between the Canary and its MetricTemplates. Returns every
 * problem at once, each with its path, and never throws.
 *
 * @param templatesInDocument whether every {@code templateRef} must resolve to a MetricTemplate of
 *     the same document; turn it off when templates come from elsewhere (a template store, the cluster)
 * @param addresses why a webhook, metrics server or provider address is refused where the document
 *     will run (the AWS API refuses IP literals and {@code localhost} its functions may not call)
 */
public record SpecValidator(boolean templatesInDocument, AddressRule addresses) {

    /** Templates must be submitted with the Canary, which is the only source flagstep has today. */
    public static final SpecValidator DEFAULT = new SpecValidator(true);

    /** Why an address is refused, or empty; decided without DNS (a document is validated once, names change). */
    @FunctionalInterface
    public interface AddressRule {
        AddressRule NONE = uri -> Optional.empty();

        Optional<String> refusal(URI address);
    }

    public SpecValidator(boolean templatesInDocument) {
        this(templatesInDocument, AddressRule.NONE);
    }

    /** This validator, also refusing addresses by {@code rule}. */
    public SpecValidator withAddresses(AddressRule rule) {
        return new SpecValidator(templatesInDocument, rule);
    }

    /** The routers flagstep implements, in the order error messages list them. */
    public static final List<String> SUPPORTED_PROVIDERS = List.of(
            "gatewayapi",
            "gatewayapi:v1",
            "gatewayapi:v1beta1",
            "istio",
            "nginx",
            "alb",
            "linkerd",
            "smi:v1alpha1",
            "smi:v1alpha2",
            "smi:v1alpha3",
            "osm",
            "kuma",
            "kubernetes",
            "contour",
            "traefik",
            "skipper",
            "gloo",
            "apisix",
            "knative");
    public static final List<String> SUPPORTED_METRIC_PROVIDERS = List.of(
            "prometheus",
            "cloudwatch",
            "datadog",
            "newrelic",
            "dynatrace",
            "graphite",
            "influxdb",
            "splunk",
            "externalmetrics",
            "keptn",
            "stackdriver");
    static final Set<String> FLAGGER_ONLY_METRIC_PROVIDERS = Set.of();
    /** Metric providers whose time window Flagger derives from the metric's interval. */
    static final Set<String> INTERVAL_PROVIDERS = Set.of("cloudwatch", "datadog", "newrelic", "dynatrace", "splunk");
    /** The metric providers whose Flagger implementation honours {@code provider.insecureSkipVerify}. */
    static final Set<String> INSECURE_SKIP_VERIFY_PROVIDERS = Set.of("prometheus", "graphite", "externalmetrics");
    static final List<String> BUILTIN_METRICS = List.of("request-success-rate", "request-duration");
    static final List<String> ALERT_SEVERITIES = List.of("info", "warn", "error");

    static final String NOT_A_URL = "not an absolute http or https URL";

    public List<SpecError> validate(CanaryDocument document) {
        List<SpecError> errors = new ArrayList<>();
        try {
            CanarySpec canary = document.canary();
            target(canary.targetRef(), errors);
            canary.autoscalerRef().ifPresent(a -> autoscaler(a, canary.targetRef(), errors));
            provider(canary, errors);
            KnativeTarget.check(canary, errors);
            ServiceTarget.check(canary, errors);
            if (!KnativeTarget.is(canary.targetRef())) service(canary.service(), errors);
            FlaggerOnlyFields.check(canary, errors);
            canary.metricsServer().filter(s -> !s.isBlank()).ifPresent(s -> address("spec.metricsServer", s, errors));
            if (canary.progressDeadlineSeconds() < 0) {
                errors.add(new SpecError("spec.progressDeadlineSeconds", atLeastZero(canary.progressDeadlineSeconds())));
            }
            canary.analysis().ifPresent(a -> analysis(a, document, errors));
            for (MetricTemplate template : document.metricTemplates()) {
                template(template, errors);
                template.provider().address().ifPresent(a -> address("metricTemplate[" + template.name() + "].spec.provider.address",
                        a, errors));
            }
        } catch (RuntimeException e) {
            // A hand-built document (not from SpecParser) may break assumptions; still answer, never throw.
            errors.add(new SpecError("", "could not validate the document: " + e));
        }
        return List.copyOf(errors);
    }

    /** An absolute http(s) URL with a host: what Go's http client can call. */
    static boolean isHttpUrl(URI uri) {
        return uri.isAbsolute()
                && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                && uri.getHost() != null && !uri.getHost().isEmpty();
    }

    private static void target(ObjectRef target, List<SpecError> errors) {
        switch (target.kind()) {
            case "Deployment", "DaemonSet" -> { }
            case "" -> errors.add(new SpecError("targetRef.kind", "required"));
            case "Service" -> {
                if (!KnativeTarget.is(target) && !ServiceTarget.is(target)) errors.add(new SpecError("targetRef.apiVersion",
                        "a Service target is a Kubernetes Service (apiVersion " + ServiceTarget.API_VERSION + ") or a Knative "
                        + "Service (apiVersion " + KnativeTarget.API_VERSION + "), not " + FieldReader.quote(target.apiVersion())));
            }
            default -> errors.add(new SpecError("targetRef.kind",
                    "unknown kind " + FieldReader.quote(target.kind()) + "; expected Deployment, DaemonSet or Service"));
        }
        if (target.name().isBlank()) {
            errors.add(new SpecError("targetRef.name", "required"));
        }
    }

    /** The CRD's minimum of 1 for each bound, a range that is one, and the KEDA-only queries. */
    private static void autoscaler(AutoscalerRef ref, ObjectRef target, List<SpecError> errors) {
        String replicas = "autoscalerRef.primaryScalerReplicas.";
        ref.primaryMinReplicas().filter(n -> n < 1)
                .ifPresent(n -> errors.add(new SpecError(replicas + "minReplicas", "must be at least 1, got " + n)));
        ref.primaryMaxReplicas().filter(n -> n < 1)
                .ifPresent(n -> errors.add(new SpecError(replicas + "maxReplicas", "must be at least 1, got " + n)));
        if (ref.primaryMinReplicas().isPresent() && ref.primaryMaxReplicas().isPresent()
                && ref.primaryMinReplicas().get() > ref.primaryMaxReplicas().get()) {
            errors.add(new SpecError("autoscalerRef.primaryScalerReplicas", "minReplicas (" + ref.primaryMinReplicas().get()
                    + ") must not be greater than maxReplicas (" + ref.primaryMaxReplicas().get() + ")"));
        }
        if (ref.primaryScalerQueries().isPresent() && ref.kind() != AutoscalerRef.Kind.SCALED_OBJECT) {
            errors.add(new SpecError("autoscalerRef.primaryScalerQueries",
                    "only for kind ScaledObject (KEDA trigger queries), not " + ref.kind()));
        }
        if ("DaemonSet".equals(target.kind())) {
            // Flagger would copy the HPA onto a DaemonSet primary, which no HPA can scale
            errors.add(new SpecError("autoscalerRef", "not supported with targetRef.kind DaemonSet"));
        }
    }

    private static void provider(CanarySpec canary, List<SpecError> errors) {
        Optional<String> provider = canary.provider();
        if (provider.isEmpty()) {
            return; // Flagger's default mesh provider (istio) applies
        }
        String p = ProviderNames.router(provider.get());
        String supported = String.join(", ", SUPPORTED_PROVIDERS);
        Optional<String> refusal = ProviderNames.refusal(provider.get());
        if (refusal.isPresent()) {
            errors.add(new SpecError("spec.provider", refusal.get()));
        } else if (!SUPPORTED_PROVIDERS.contains(p)) {
            errors.add(new SpecError("spec.provider", "unknown provider " + FieldReader.quote(provider.get())
                    + "; expected one of " + supported));
        } else if (p.equals("nginx") && canary.ingressRef().isEmpty()) {
            errors.add(new SpecError("ingressRef", "required when spec.provider is \"nginx\""));
        } else if (p.startsWith("gatewayapi") && canary.service().gatewayRefs().isEmpty()) {
            errors.add(new SpecError("service.gatewayRefs", "required when spec.provider is " + FieldReader.quote(p)));
        }
    }

    private static void service(ServiceSpec service, List<SpecError> errors) {
        if (service.port() < 1 || service.port() > 65535) {
            errors.add(new SpecError("service.port", service.port() == 0 ? "required" : between(1, 65535, service.port())));
        }
    }

    private void analysis(Analysis a, CanaryDocument document, List<SpecError> errors) {
        percent("analysis.maxWeight", a.maxWeight(), errors);
        percent("analysis.stepWeight", a.stepWeight(), errors);
        percent("analysis.stepWeightPromotion", a.stepWeightPromotion(), errors);
        percent("analysis.mirrorWeight", a.mirrorWeight(), errors);
        percent("analysis.primaryReadyThreshold", a.primaryReadyThreshold(), errors);
        percent("analysis.canaryReadyThreshold", a.canaryReadyThreshold(), errors);
        if (a.iterations() < 0) {
            errors.add(new SpecError("analysis.iterations", atLeastZero(a.iterations())));
        }
        stepWeights(a.stepWeights(), errors);
        if (a.iterations() == 0 && a.stepWeight() == 0 && a.stepWeights().isEmpty()) {
            errors.add(new SpecError("analysis", "needs iterations, stepWeight or stepWeights (Flagger's CRD requires one)"));
        }
        if (!a.match().isEmpty() && a.iterations() <= 0) {
            errors.add(new SpecError("analysis.match", "A/B testing needs analysis.iterations greater than 0"));
        }
        // alb is flagstep's own router: what it cannot do is an error (Flagger's routers ignore it: IgnoredFields)
        if (document.canary().provider().filter("alb"::equals).isPresent()) {
            if (!a.match().isEmpty()) {
                errors.add(new SpecError("analysis.match", "not supported by the alb provider (an ALB cannot route by"
                        + " header); use stepWeight or stepWeights"));
            }
            if (a.mirror()) {
                errors.add(new SpecError("analysis.mirror", "not supported by the alb provider (an ALB cannot mirror requests)"));
            }
        }
        a.gateTimeout().filter(d -> d.isNegative() || d.isZero())
                .ifPresent(d -> errors.add(new SpecError("analysis.gateTimeout", "must be greater than 0")));
        a.webhookSecretRef().flatMap(SecretRefs::problem)
                .ifPresent(p -> errors.add(new SpecError("analysis.webhookSecretRef", p)));
        for (int i = 0; i < a.metrics().size(); i++) {
            metric("analysis.metrics[" + i + "]", a.metrics().get(i), document, errors);
        }
        for (int i = 0; i < a.webhooks().size(); i++) {
            String path = "analysis.webhooks[" + i + "]";
            Webhook hook = a.webhooks().get(i);
            webhook(path, hook, errors);
            if (isHttpUrl(hook.url())) {
                addresses.refusal(hook.url()).ifPresent(r -> errors.add(new SpecError(path + ".url", r)));
            }
        }
        for (int i = 0; i < a.alerts().size(); i++) {
            alert("analysis.alerts[" + i + "]", a.alerts().get(i), errors);
        }
    }

    /** Flagger walks stepWeights in order and compares the router's weight with them: they must rise. */
    private static void stepWeights(List<Integer> steps, List<SpecError> errors) {
        for (int i = 0; i < steps.size(); i++) {
            String path = "analysis.stepWeights[" + i + "]";
            int step = steps.get(i);
            if (step < 1 || step > 100) {
                errors.add(new SpecError(path, between(1, 100, step)));
            } else if (i > 0 && step <= steps.get(i - 1)) {
                errors.add(new SpecError(path, "must be greater than the step before it (" + steps.get(i - 1) + "), got " + step));
            }
        }
    }

    private void metric(String path, MetricCheck m, CanaryDocument document, List<SpecError> errors) {
        if (m.name().isBlank()) {
            errors.add(new SpecError(path + ".name", "required"));
        }
        ThresholdRange range = m.thresholdRange();
        if (range.min().isPresent() && range.max().isPresent() && range.min().get() > range.max().get()) {
            errors.add(new SpecError(path + ".thresholdRange", "min (" + number(range.min().get())
                    + ") must not be greater than max (" + number(range.max().get()) + ")"));
        }
        m.interval().filter(i -> GoDuration.parse(i).isEmpty())
                .ifPresent(i -> errors.add(new SpecError(path + ".interval", FieldReader.notADuration(i))));
        if (m.query().isPresent() && m.templateRef().isPresent()) {
            errors.add(new SpecError(path, "give either query or templateRef, not both"));
        } else if (m.query().isEmpty() && m.templateRef().isEmpty() && !m.name().isBlank()
                && !BUILTIN_METRICS.contains(m.name())) {
            errors.add(new SpecError(path, FieldReader.quote(m.name()) + " is not a builtin metric ("
                    + String.join(", ", BUILTIN_METRICS) + "); give a query or a templateRef"));
        }
        m.templateRef().filter(ref -> !ref.name().isBlank()).ifPresent(ref -> templateRef(path, m, ref, document, errors));
    }

    private void templateRef(String path, MetricCheck m, TemplateRef ref, CanaryDocument document, List<SpecError> errors) {
        Optional<MetricTemplate> template = document.template(ref);
        if (template.isEmpty() && templatesInDocument) {
            String namespace = ref.namespace().orElse(document.canary().id().namespace());
            errors.add(new SpecError(path + ".templateRef", "no MetricTemplate " + FieldReader.quote(ref.name())
                    + " in namespace " + FieldReader.quote(namespace)
                    + " in this document; add it after a --- line"));
        }
        // Flagger defaults the interval for builtin metrics only; providers whose window derives from it then fail at run time.
        Optional<String> windowed = template.map(t -> t.provider().type()).filter(INTERVAL_PROVIDERS::contains);
        if (windowed.isPresent() && m.interval().isEmpty()) {
            errors.add(new SpecError(path + ".interval", "required for metrics of the " + windowed.get() + " template "
                    + FieldReader.quote(ref.name()) + " (Flagger fails at run time with \"error parsing metric interval\")"));
        }
    }

    private static void webhook(String path, Webhook hook, List<SpecError> errors) {
        if (hook.name().isBlank()) {
            errors.add(new SpecError(path + ".name", "required"));
        }
        if (!isHttpUrl(hook.url())) {
            errors.add(new SpecError(path + ".url", NOT_A_URL));
        }
        if (hook.timeout().isNegative() || hook.timeout().isZero()) {
            errors.add(new SpecError(path + ".timeout", "must be greater than 0"));
        }
        if (hook.retries() < 0) {
            errors.add(new SpecError(path + ".retries", atLeastZero(hook.retries())));
        }
    }

    private void address(String path, String text, List<SpecError> errors) {
        try {
            URI uri = new URI(text.strip());
            if (isHttpUrl(uri)) {
                addresses.refusal(uri).ifPresent(r -> errors.add(new SpecError(path, r)));
            }
        } catch (URISyntaxException e) {
            // not a URL: reported (or not) where the address is used
        }
    }

    private static void alert(String path, AlertRef alert, List<SpecError> errors) {
        if (alert.name().isBlank()) {
            errors.add(new SpecError(path + ".name", "required"));
        }
        if (!ALERT_SEVERITIES.contains(alert.severity())) {
            errors.add(new SpecError(path + ".severity", "unknown severity " + FieldReader.quote(alert.severity())
                    + "; expected one of " + String.join(", ", ALERT_SEVERITIES)));
        }
        if (alert.providerName().isBlank()) {
            errors.add(new SpecError(path + ".providerRef.name", "required"));
        }
    }

    private static void template(MetricTemplate template, List<SpecError> errors) {
        String path = "metricTemplate[" + template.name() + "].spec";
        String type = template.provider().type();
        String supported = String.join(", ", SUPPORTED_METRIC_PROVIDERS);
        if (type.isEmpty()) {
            errors.add(new SpecError(path + ".provider.type", "required"));
        } else if (FLAGGER_ONLY_METRIC_PROVIDERS.contains(type)) {
            errors.add(new SpecError(path + ".provider.type", "metric provider " + FieldReader.quote(type)
                    + " is not supported by flagstep yet; supported: " + supported));
        } else if (!SUPPORTED_METRIC_PROVIDERS.contains(type)) {
            errors.add(new SpecError(path + ".provider.type", "unknown metric provider " + FieldReader.quote(type)
                    + "; expected one of " + supported));
        } else if (type.equals("cloudwatch") && template.provider().region().isEmpty()) {
            errors.add(new SpecError(path + ".provider.region", "required for the cloudwatch provider"));
        }
        if (template.query().isBlank()) {
            errors.add(new SpecError(path + ".query", "required"));
        }
        template.provider().secretRef().flatMap(SecretRefs::problem)
                .ifPresent(p -> errors.add(new SpecError(path + ".provider.secretRef.name", p)));
    }

    private static void percent(String path, int value, List<SpecError> errors) {
        if (value < 0 || value > 100) {
            errors.add(new SpecError(path, between(0, 100, value)));
        }
    }

    private static String between(int low, int high, int value) {
        return "must be between " + low + " and " + high + ", got " + value;
    }

    private static String atLeastZero(int value) {
        return "must be 0 or more, got " + value;
    }

    /** 99.0 reads as 99, 0.5 as 0.5. */
    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}

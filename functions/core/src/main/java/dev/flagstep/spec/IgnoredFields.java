package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Fields Flagger's CRD accepts and Flagger then ignores for the canary's provider. flagstep accepts them too, so
 * every Flagger manifest still applies, and reports each as a warning naming the field: nothing is ignored
 * silently. Pure.
 */
final class IgnoredFields {

    /** Routers that apply {@code analysis.match} (kubernetes warns at run time, as Flagger; alb refuses it). */
    static final Set<String> MATCH_PROVIDERS = Set.of("istio", "gatewayapi", "gatewayapi:v1", "gatewayapi:v1beta1", "nginx",
            "contour", "gloo", "alb", "kubernetes");
    /** Routers that mirror requests ({@code analysis.mirror}; alb refuses it). */
    static final Set<String> MIRROR_PROVIDERS = Set.of("istio", "gatewayapi", "gatewayapi:v1", "gatewayapi:v1beta1", "alb");

    private IgnoredFields() {
    }

    static List<SpecWarning> of(CanaryDocument document) {
        List<SpecWarning> warnings = new ArrayList<>();
        CanarySpec canary = document.canary();
        String provider = canary.provider().orElse("istio"); // Flagger's default mesh provider
        String quoted = FieldReader.quote(provider);
        JsonNode service = canary.service().extra();
        canary.analysis().ifPresent(a -> {
            if (FieldReader.present(a.extra().path("sessionAffinity")) && !FlaggerOnlyFields.AFFINITY_PROVIDERS.contains(provider)) {
                warnings.add(ignored("analysis.sessionAffinity", "session affinity works on istio, gatewayapi and alb, not on "
                        + quoted));
            }
            if (!a.match().isEmpty() && !MATCH_PROVIDERS.contains(provider)) {
                warnings.add(ignored("analysis.match", "provider " + quoted + " has no A/B routing, so for its iterations"
                        + " the analysis sends all traffic to the canary"));
            }
            if (a.mirror() && !MIRROR_PROVIDERS.contains(provider)) {
                warnings.add(ignored("analysis.mirror", "provider " + quoted + " cannot mirror requests; the analysis runs"
                        + " without a mirror"));
            }
        });
        for (String field : List.of("meshName", "backends")) {
            if (FieldReader.present(service.path(field))) {
                warnings.add(ignored("service." + field, "only Flagger's App Mesh provider used it, and "
                        + ProviderNames.APP_MESH_ENDED));
            }
        }
        // Flagger's gloo router matches any provider starting with "gloo"
        if (FieldReader.present(canary.extra().path("upstreamRef")) && !provider.startsWith("gloo")) {
            warnings.add(ignored("upstreamRef", "only used by the gloo provider, not " + quoted));
        }
        if (service.path("delegation").asBoolean(false) && !provider.equals("istio")) {
            warnings.add(ignored("service.delegation", "only used by the istio provider, not " + quoted));
        }
        boolean gatewayApi = provider.startsWith("gatewayapi");
        if (FieldReader.present(service.path("backendTimeout")) && !gatewayApi) {
            warnings.add(ignored("service.backendTimeout", "only used by the gatewayapi provider, not " + quoted));
        }
        if (FieldReader.present(service.path("mirror")) && !gatewayApi) {
            warnings.add(ignored("service.mirror", "only used by the gatewayapi provider, not " + quoted
                    + " (analysis.mirror mirrors to the canary)"));
        }
        JsonNode cors = service.path("corsPolicy");
        if (FieldReader.present(cors) && provider.equals("gatewayapi:v1beta1")) {
            warnings.add(ignored("service.corsPolicy", "only gatewayapi:v1 routes get Flagger's CORS filter, not"
                    + " \"gatewayapi:v1beta1\""));
        } else if (FieldReader.present(cors.path("allowOrigins")) && gatewayApi) {
            warnings.add(ignored("service.corsPolicy.allowOrigins", "Istio's origin patterns have no Gateway API form;"
                    + " use corsPolicy.allowOrigin (a list of origins)"));
        }
        String target = canary.targetRef().name();
        for (String field : ServiceTarget.ignored(canary)) {
            warnings.add(ignored(field, "only the Services generated for a workload use it; with a Service target "
                    + target + "-primary and " + target + "-canary are copies of the target Service (set it there)"));
        }
        for (MetricTemplate template : document.metricTemplates()) {
            template(template, warnings);
        }
        return List.copyOf(warnings);
    }

    private static void template(MetricTemplate template, List<SpecWarning> warnings) {
        String path = "metricTemplate[" + template.name() + "].spec.provider";
        String type = template.provider().type();
        if (!SpecValidator.SUPPORTED_METRIC_PROVIDERS.contains(type)) return; // an error already
        if (!template.provider().headers().isEmpty() && !type.equals("prometheus")) {
            warnings.add(ignored(path + ".headers", "only used by the prometheus provider, not " + FieldReader.quote(type)));
        }
        if (template.provider().insecureSkipVerify() && !SpecValidator.INSECURE_SKIP_VERIFY_PROVIDERS.contains(type)) {
            warnings.add(ignored(path + ".insecureSkipVerify", "only used by the prometheus, graphite and externalmetrics"
                    + " providers, not " + FieldReader.quote(type)));
        }
    }

    private static SpecWarning ignored(String path, String why) {
        return new SpecWarning(path, "ignored, as by Flagger: " + why);
    }
}

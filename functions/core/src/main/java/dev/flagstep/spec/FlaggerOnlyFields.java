package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/**
 * Flagger fields flagstep reads but would not act on for this canary's provider: each is an error naming the
 * field, so no setting is accepted and silently ignored. (Fields every provider uses, or that flagstep acts
 * on, are not listed here; {@link KnownFields} says where each one is used.)
 */
final class FlaggerOnlyFields {

    /** The routers with session affinity: Flagger's two, and alb (target-group stickiness). */
    static final Set<String> AFFINITY_PROVIDERS = Set.of("istio", "gatewayapi", "gatewayapi:v1", "gatewayapi:v1beta1", "alb");
    static final List<String> SAME_SITE = List.of("Strict", "Lax", "None");
    /** What a Service's {@code spec.trafficDistribution} takes (Kubernetes 1.31; the zone and node forms since 1.34). */
    static final List<String> TRAFFIC_DISTRIBUTIONS = List.of("PreferClose", "PreferSameZone", "PreferSameNode");
    /** The longest target-group stickiness an ALB allows. */
    static final int ALB_MAX_STICKINESS = 604800;

    private FlaggerOnlyFields() {
    }

    static void check(CanarySpec canary, List<SpecError> errors) {
        String provider = canary.provider().orElse("istio"); // Flagger's default mesh provider
        canary.analysis().ifPresent(a -> sessionAffinity(a.extra().path("sessionAffinity"), provider, errors));
        JsonNode service = canary.service().extra();
        JsonNode spec = canary.extra();
        for (String field : List.of("meshName", "backends")) {
            if (present(service.path(field))) {
                errors.add(new SpecError("service." + field, "only used by Flagger's App Mesh provider; "
                        + ProviderNames.APP_MESH_ENDED + "; remove it"));
            }
        }
        // Flagger's gloo router matches any provider starting with "gloo"
        if (present(spec.path("upstreamRef")) && !provider.startsWith("gloo")) {
            errors.add(new SpecError("upstreamRef", "only used by the gloo provider, not " + FieldReader.quote(provider)
                    + "; remove it"));
        }
        unmanagedMetadata(service.path("unmanagedMetadata"), errors);
        for (String block : List.of("apex", "primary", "canary")) {
            CustomMetadata.check(service.path(block), "service." + block, errors);
        }
        JsonNode distribution = service.path("trafficDistribution");
        if (present(distribution) && !TRAFFIC_DISTRIBUTIONS.contains(distribution.asText())) {
            errors.add(new SpecError("service.trafficDistribution", "unknown value " + FieldReader.quote(distribution.asText())
                    + "; expected one of " + String.join(", ", TRAFFIC_DISTRIBUTIONS)));
        }
        if (service.path("delegation").asBoolean(false)) {
            if (!provider.equals("istio")) {
                errors.add(new SpecError("service.delegation", "only used by the istio provider, not " + FieldReader.quote(provider)));
            } else if (!canary.service().hosts().isEmpty() || present(service.path("gateways"))) {
                // Flagger fails every reconcile with this; a delegate VirtualService is bound by its root one
                errors.add(new SpecError("service.delegation", "a delegate VirtualService cannot have service.hosts or"
                        + " service.gateways; remove them (the root VirtualService names the hosts and gateways)"));
            }
        }
        boolean gatewayApi = provider.startsWith("gatewayapi");
        if (present(service.path("backendTimeout")) && !gatewayApi) {
            errors.add(new SpecError("service.backendTimeout", "only used by the gatewayapi provider, not "
                    + FieldReader.quote(provider)));
        }
        if (present(service.path("mirror")) && !gatewayApi) {
            errors.add(new SpecError("service.mirror", "only used by the gatewayapi provider, not " + FieldReader.quote(provider)
                    + " (analysis.mirror mirrors to the canary)"));
        }
        JsonNode cors = service.path("corsPolicy");
        if (present(cors) && gatewayApi) {
            if (provider.equals("gatewayapi:v1beta1")) {
                errors.add(new SpecError("service.corsPolicy", "only used by gatewayapi:v1 routes (Flagger writes the CORS"
                        + " filter on v1 HTTPRoutes), not \"gatewayapi:v1beta1\""));
            }
            if (present(cors.path("allowOrigins"))) {
                errors.add(new SpecError("service.corsPolicy.allowOrigins", "Istio's origin patterns cannot be expressed by"
                        + " a Gateway API CORS filter; use corsPolicy.allowOrigin (a list of origins)"));
            }
            String maxAge = cors.path("maxAge").asText("");
            if (!maxAge.isEmpty() && GoDuration.parse(maxAge).isEmpty()) {
                errors.add(new SpecError("service.corsPolicy.maxAge", "not a duration: " + FieldReader.quote(maxAge)));
            }
        }
    }

    /** Flagger's {@code UnmanagedMetadata}: lists of label and annotation keys. */
    private static void unmanagedMetadata(JsonNode u, List<SpecError> errors) {
        if (u.isMissingNode() || u.isNull()) return;
        String path = "service.unmanagedMetadata";
        if (!u.isObject()) {
            errors.add(new SpecError(path, "must be an object with labels and annotations (lists of keys)"));
            return;
        }
        u.properties().forEach(e -> {
            if (!e.getKey().equals("labels") && !e.getKey().equals("annotations")) {
                errors.add(new SpecError(path + "." + e.getKey(), "unknown field; expected labels or annotations"));
            } else if (!e.getValue().isNull() && (!e.getValue().isArray()
                    || !java.util.stream.StreamSupport.stream(e.getValue().spliterator(), false).allMatch(JsonNode::isTextual))) {
                errors.add(new SpecError(path + "." + e.getKey(), "must be a list of keys"));
            }
        });
    }

    /** Set to something: null, false, "", [] and {} say nothing and are accepted. */
    static boolean present(JsonNode v) {
        return !(v.isMissingNode() || v.isNull() || v.isBoolean() && !v.asBoolean()
                || v.isTextual() && v.asText().isEmpty() || v.isContainerNode() && v.isEmpty());
    }

    /** ALB target-group stickiness: its own cookie (AWSALBTG) with a duration, nothing else can be expressed. */
    private static void alb(JsonNode s, String path, List<SpecError> errors) {
        for (String field : List.of("primaryCookieName", "domain", "httpOnly", "partitioned", "path", "sameSite", "secure")) {
            if (present(s.path(field))) {
                errors.add(new SpecError(path + "." + field, "not supported for provider \"alb\": the ALB sets its own"
                        + " stickiness cookie (AWSALBTG); only maxAge applies"));
            }
        }
        int maxAge = s.path("maxAge").asInt(0);
        if (maxAge > ALB_MAX_STICKINESS) {
            errors.add(new SpecError(path + ".maxAge", "must be at most " + ALB_MAX_STICKINESS
                    + " seconds (7 days) on provider \"alb\", got " + maxAge));
        }
    }

    /** Flagger's verifySessionAffinity, plus the provider check Flagger lacks (it ignores the block elsewhere). */
    private static void sessionAffinity(JsonNode s, String provider, List<SpecError> errors) {
        if (s.isMissingNode() || s.isNull()) return;
        String path = "analysis.sessionAffinity";
        if (!s.isObject()) {
            errors.add(new SpecError(path, "must be an object"));
            return;
        }
        if (provider.equals("alb")) {
            alb(s, path, errors);
        } else if (!AFFINITY_PROVIDERS.contains(provider)) {
            errors.add(new SpecError(path, "not supported for provider " + FieldReader.quote(provider)
                    + " (session affinity works on istio and gatewayapi, as in Flagger, and on alb)"));
        }
        String cookieName = s.path("cookieName").asText("");
        if (cookieName.isBlank()) {
            errors.add(new SpecError(path + ".cookieName", "required"));
        } else if (cookieName.equals(s.path("primaryCookieName").asText(""))) {
            errors.add(new SpecError(path + ".primaryCookieName", "must differ from cookieName"));
        }
        String sameSite = s.path("sameSite").asText("");
        if (!sameSite.isEmpty() && !SAME_SITE.contains(sameSite)) {
            errors.add(new SpecError(path + ".sameSite", "unknown value " + FieldReader.quote(sameSite) + "; expected one of "
                    + String.join(", ", SAME_SITE)));
        }
        if (s.has("maxAge") && !s.path("maxAge").canConvertToInt()) {
            errors.add(new SpecError(path + ".maxAge", "must be a number of seconds"));
        }
    }
}

package dev.flagstep.spec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/**
 * The values of Flagger's service and session-affinity fields, checked where Flagger would fail at run time or
 * Kubernetes would refuse them: each is an error naming the field. (A field the canary's provider does not use
 * is a warning, {@link IgnoredFields}; {@link KnownFields} says where each field is used.)
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
        unmanagedMetadata(service.path("unmanagedMetadata"), errors);
        for (String block : List.of("apex", "primary", "canary")) {
            CustomMetadata.check(service.path(block), "service." + block, errors);
        }
        JsonNode distribution = service.path("trafficDistribution");
        if (FieldReader.present(distribution) && !TRAFFIC_DISTRIBUTIONS.contains(distribution.asText())) {
            errors.add(new SpecError("service.trafficDistribution", "unknown value " + FieldReader.quote(distribution.asText())
                    + "; expected one of " + String.join(", ", TRAFFIC_DISTRIBUTIONS)));
        }
        if (service.path("delegation").asBoolean(false) && provider.equals("istio")) {
            if (!canary.service().hosts().isEmpty() || FieldReader.present(service.path("gateways"))) {
                // Flagger fails every reconcile with this; a delegate VirtualService is bound by its root one
                errors.add(new SpecError("service.delegation", "a delegate VirtualService cannot have service.hosts or"
                        + " service.gateways; remove them (the root VirtualService names the hosts and gateways)"));
            }
        }
        JsonNode cors = service.path("corsPolicy");
        if (FieldReader.present(cors) && provider.startsWith("gatewayapi") && !provider.equals("gatewayapi:v1beta1")) {
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


    /** ALB target-group stickiness: its own cookie (AWSALBTG) with a duration, nothing else can be expressed. */
    private static void alb(JsonNode s, String path, List<SpecError> errors) {
        for (String field : List.of("primaryCookieName", "domain", "httpOnly", "partitioned", "path", "sameSite", "secure")) {
            if (FieldReader.present(s.path(field))) {
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

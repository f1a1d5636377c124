package dev.flagstep.knative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.KnativeTarget;
import dev.flagstep.spec.ObjectRef;
import java.util.Optional;

/**
 * A Knative Service target ({@code serving.knative.dev/v1} {@code Service}) as Flagger's Knative controller and router
 * read and write it: the primary revision is named by an annotation, the canary is the latest created revision, and
 * the split is the Service's own {@code spec.traffic}. Pure helpers over the object.
 */
public final class KnativeService {

    public static final String API_VERSION = KnativeTarget.API_VERSION;
    public static final ResourceKind SERVICE = new ResourceKind("serving.knative.dev", "v1", "Service", "services");
    public static final ResourceKind REVISION = new ResourceKind("serving.knative.dev", "v1", "Revision", "revisions");
    /** Where Flagger keeps the primary revision's name on the Knative Service. */
    public static final String PRIMARY_REVISION = "flagger.app/primary-revision";

    private KnativeService() {}

    /** Flagger's {@code IsKnativeService}: kind Service of {@code serving.knative.dev/v1}. */
    public static boolean is(ObjectRef target) {
        return KnativeTarget.is(target);
    }

    public static KubeRef ref(CanarySpec canary) {
        return SERVICE.ref(canary.id().namespace(), canary.targetRef().name());
    }

    /** {@code status.latestCreatedRevisionName}: the canary revision, and the target's revision id. */
    public static String latestCreated(JsonNode service) {
        return service.path("status").path("latestCreatedRevisionName").asText("");
    }

    public static Optional<String> primaryRevision(JsonNode service) {
        JsonNode v = service.path("metadata").path("annotations").path(PRIMARY_REVISION);
        return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    public static void setPrimaryRevision(ObjectNode service, String revision) {
        ObjectNode metadata = service.with("metadata");
        metadata.with("annotations").put(PRIMARY_REVISION, revision);
    }

    public static void removePrimaryRevision(ObjectNode service) {
        if (service.path("metadata").path("annotations") instanceof ObjectNode annotations) {
            annotations.remove(PRIMARY_REVISION);
        }
    }

    /** Flagger's split: {@code [{latestRevision: true, percent: canary}, {revisionName: primary, percent: primary}]}. */
    public static void setTraffic(ObjectNode service, String primaryRevision, int primary, int canary) {
        ArrayNode traffic = JsonNodeFactory.instance.arrayNode();
        traffic.addObject().put("latestRevision", true).put("percent", canary);
        traffic.addObject().put("revisionName", primaryRevision).put("percent", primary);
        service.with("spec").set("traffic", traffic);
    }

    /** The Knative {@code Ready} condition of a Service or Revision is {@code True}. */
    public static boolean ready(JsonNode object) {
        for (JsonNode c : object.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) return "True".equals(c.path("status").asText());
        }
        return false;
    }
}

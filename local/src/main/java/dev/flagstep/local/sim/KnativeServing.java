package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.knative.KnativeService;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.spec.CanarySpec;
import java.util.Optional;

/**
 * Knative Serving's controller as far as flagstep reads it: a {@code serving.knative.dev/v1} Service whose
 * {@code spec.template} differs from its latest Revision's gets a new Revision {@code {name}-0000N} (ready at once);
 * the Service's status names the latest revision (created and ready), is Ready, and its {@code status.traffic} is
 * {@code spec.traffic} with {@code latestRevision: true} resolved to that revision's name (100% to it without one).
 */
final class KnativeServing {

    /** Labels a Revision with its Service, as Knative does. */
    static final String SERVICE_LABEL = "serving.knative.dev/service";

    private KnativeServing() {}

    /** A user's Knative Service {@code {target}} running {@code image}, before Knative reconciled it. */
    static ObjectNode service(CanarySpec canary, String image) {
        String name = canary.targetRef().name();
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("apiVersion", KnativeService.API_VERSION).put("kind", "Service");
        s.putObject("metadata").put("name", name).put("namespace", canary.id().namespace());
        s.putObject("spec").putObject("template").putObject("spec").putArray("containers").addObject()
                .put("name", name).put("image", image);
        return s;
    }

    /** One pass over every Knative Service. */
    static void reconcile(KubeClient kube, ClusterWideApi api) {
        for (ObjectNode service : api.list(KnativeService.SERVICE)) {
            String ns = service.path("metadata").path("namespace").asText();
            String name = service.path("metadata").path("name").asText();
            try {
                String latest = latestRevision(kube, ns, name, service.path("spec").path("template"));
                kube.edit(KnativeService.SERVICE.ref(ns, name), s -> s.set("status", status(s, latest)));
            } catch (KubeException.NotFound | KubeException.Conflict deletedOrBusy) {
                // deleted since the list, or written meanwhile: the next tick looks again
            }
        }
    }

    /** The latest Revision's name, creating {@code {name}-0000N} when the template is not the latest's. */
    private static String latestRevision(KubeClient kube, String ns, String name, JsonNode template) {
        int n = 0;
        Optional<ObjectNode> latest = Optional.empty();
        for (Optional<ObjectNode> r = revision(kube, ns, name, 1); r.isPresent(); r = revision(kube, ns, name, n + 1)) {
            n++;
            latest = r;
        }
        if (latest.isPresent() && latest.get().path("spec").equals(template.path("spec"))) return revisionName(name, n);
        String created = revisionName(name, n + 1);
        ObjectNode r = JsonNodeFactory.instance.objectNode().put("apiVersion", KnativeService.API_VERSION).put("kind", "Revision");
        ObjectNode metadata = r.putObject("metadata").put("name", created).put("namespace", ns);
        metadata.putObject("labels").put(SERVICE_LABEL, name);
        r.set("spec", template.path("spec").deepCopy());
        r.putObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", "True");
        kube.createIfAbsent(KnativeService.REVISION, r);
        return created;
    }

    private static Optional<ObjectNode> revision(KubeClient kube, String ns, String name, int n) {
        KubeRef ref = KnativeService.REVISION.ref(ns, revisionName(name, n));
        return kube.get(ref);
    }

    static String revisionName(String service, int n) {
        return "%s-%05d".formatted(service, n);
    }

    private static ObjectNode status(JsonNode service, String latest) {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("latestCreatedRevisionName", latest).put("latestReadyRevisionName", latest);
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True");
        ArrayNode traffic = status.putArray("traffic");
        JsonNode spec = service.path("spec").path("traffic");
        if (!spec.isArray() || spec.isEmpty()) {
            traffic.addObject().put("latestRevision", true).put("revisionName", latest).put("percent", 100);
        }
        for (JsonNode t : spec) {
            boolean toLatest = t.path("latestRevision").asBoolean(false);
            ObjectNode entry = traffic.addObject().put("latestRevision", toLatest)
                    .put("revisionName", toLatest ? latest : t.path("revisionName").asText());
            if (t.has("percent")) entry.set("percent", t.path("percent"));
        }
        return status;
    }
}

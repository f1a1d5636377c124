package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import java.util.Optional;

/**
 * A new version behind a Kubernetes Service target, as its users roll one out: a Deployment of the new image next to
 * the old one, and the Service's selector changed to it (the change of the Service's spec that is the canary's new
 * revision). The seeded Deployment {@code {name}} is the template of every version.
 */
final class ServiceTargets {

    private ServiceTargets() {}

    /** Deployment {@code {name}-{hash of image}} runs {@code image} (created once), and the target Service selects it. */
    static void pointAt(KubeClient kube, CanarySpec canary, String image) {
        String ns = canary.id().namespace();
        String name = canary.targetRef().name();
        String version = name + "-" + Integer.toUnsignedString(image.hashCode(), 36);
        if (kube.get(ResourceKind.DEPLOYMENT.ref(ns, version)).isEmpty()) {
            ObjectNode spec = kube.require(ResourceKind.DEPLOYMENT.ref(ns, name)).path("spec").deepCopy();
            spec.putObject("selector").putObject("matchLabels").put("app", version);
            ObjectNode template = spec.withObjectProperty("template");
            template.withObjectProperty("metadata").putObject("labels").put("app", version);
            ((ObjectNode) template.path("spec").path("containers").path(0)).put("image", image);
            ObjectNode d = JsonNodeFactory.instance.objectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
            d.putObject("metadata").put("name", version).put("namespace", ns).putObject("labels").put("app", version);
            d.set("spec", spec);
            kube.createIfAbsent(ResourceKind.DEPLOYMENT, d);
        }
        kube.edit(ResourceKind.SERVICE.ref(ns, name), s -> s.withObjectProperty("spec").putObject("selector").put("app", version));
    }

    /** The image of the Deployment the target Service selects ({@code app: <Deployment name>}); empty when there is none. */
    static Optional<String> image(KubeClient kube, CanarySpec canary) {
        String ns = canary.id().namespace();
        return kube.get(ResourceKind.SERVICE.ref(ns, canary.targetRef().name()))
                .map(s -> s.path("spec").path("selector").path("app").asText(""))
                .filter(app -> !app.isEmpty())
                .flatMap(app -> kube.get(ResourceKind.DEPLOYMENT.ref(ns, app)))
                .map(d -> d.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText());
    }
}

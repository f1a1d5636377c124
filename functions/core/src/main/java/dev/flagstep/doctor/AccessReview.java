package dev.flagstep.doctor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;

/**
 * Asks the API server whether flagstep's own identity may do something: a SelfSubjectAccessReview, what
 * {@code kubectl auth can-i} sends. Nothing is changed; the review is not stored.
 */
public final class AccessReview {

    static final ResourceKind SELF_SUBJECT_ACCESS_REVIEW = new ResourceKind("authorization.k8s.io", "v1",
            "SelfSubjectAccessReview", "selfsubjectaccessreviews", true);

    private final KubeClient kube;

    public AccessReview(KubeClient kube) {
        this.kube = kube;
    }

    public boolean allowed(Access access) {
        ObjectNode review = JsonNodeFactory.instance.objectNode()
                .put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectAccessReview");
        review.putObject("metadata").put("name", "flagstep-doctor");
        ObjectNode attributes = review.putObject("spec").putObject("resourceAttributes")
                .put("group", access.group()).put("verb", access.verb());
        String[] resource = access.resource().split("/", 2);
        attributes.put("resource", resource[0]);
        if (resource.length == 2) attributes.put("subresource", resource[1]);
        if (!access.namespace().isEmpty()) attributes.put("namespace", access.namespace());
        return kube.create(SELF_SUBJECT_ACCESS_REVIEW, review).path("status").path("allowed").asBoolean(false);
    }
}

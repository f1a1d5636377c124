package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated API server's answer to a SelfSubjectAccessReview ({@code kubectl auth can-i}): everything is allowed
 * but what a test took away with {@link SimulatedCluster#forbid}. Only the reviews answer so; the requests themselves
 * are not refused (the service proxy has its own switch, {@link SimulatedCluster#forbidProxy}).
 */
final class AccessReviews {

    static final String PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    private final Set<String> denied = ConcurrentHashMap.newKeySet();

    void forbid(String group, String resource, String verb, String namespace, boolean forbid) {
        String key = key(group, resource, verb, namespace);
        if (forbid) denied.add(key); else denied.remove(key);
    }

    /** The review as sent, with {@code status.allowed} (and, when denied, RBAC's reason) filled in. */
    ObjectNode answer(ObjectNode review) {
        JsonNode a = review.path("spec").path("resourceAttributes");
        String resource = a.path("resource").asText("") + (a.path("subresource").asText("").isEmpty() ? ""
                : "/" + a.path("subresource").asText());
        boolean allowed = !denied.contains(key(a.path("group").asText(""), resource, a.path("verb").asText(""),
                a.path("namespace").asText("")));
        ObjectNode status = review.putObject("status").put("allowed", allowed);
        if (!allowed) status.put("reason", "no RBAC policy matched");
        return review;
    }

    private static String key(String group, String resource, String verb, String namespace) {
        return String.join("|", group, resource, verb, namespace);
    }
}

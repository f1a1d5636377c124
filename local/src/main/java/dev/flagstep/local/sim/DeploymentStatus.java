package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * The {@code status} the Deployment controller and kubelets of a healthy cluster converge to, given the pods'
 * {@link PodHealth}. Always for the current {@code metadata.generation}: the simulated controller has seen the
 * spec; whether the pods are up is {@link PodHealth}'s business. Fields are those flagstep's
 * {@code DeploymentController} reads (and kubectl shows).
 */
final class DeploymentStatus {

    private DeploymentStatus() {
    }

    static ObjectNode of(JsonNode deployment, PodHealth health, Instant now) {
        String name = deployment.path("metadata").path("name").asText();
        // the mock sets generation 1 on create and bumps it on every spec change, as a real API server does
        long generation = deployment.path("metadata").path("generation").asLong(1);
        // Kubernetes defaults spec.replicas to 1
        int replicas = deployment.path("spec").path("replicas").asInt(1);
        JsonNode previous = deployment.path("status").path("conditions");
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("observedGeneration", generation)
                .put("replicas", replicas).put("updatedReplicas", replicas);
        ArrayNode conditions;
        String replicaSet = "ReplicaSet \"" + name + "-" + Long.toHexString(generation) + "\"";
        switch (health) {
            case PodHealth.Ready r -> {
                s.put("readyReplicas", replicas).put("availableReplicas", replicas);
                conditions = s.putArray("conditions");
                Conditions.deployment(conditions, previous, "Available", true, "MinimumReplicasAvailable",
                        "Deployment has minimum availability.", now);
                Conditions.deployment(conditions, previous, "Progressing", true, "NewReplicaSetAvailable",
                        replicaSet + " has successfully progressed.", now);
            }
            case PodHealth.RollingOut r -> unavailable(s, replicas, previous, replicaSet, now);
            case PodHealth.HeldUnready h -> unavailable(s, replicas, previous, replicaSet, now);
        }
        return s;
    }

    private static void unavailable(ObjectNode s, int replicas, JsonNode previous, String replicaSet, Instant now) {
        s.put("readyReplicas", 0).put("availableReplicas", 0).put("unavailableReplicas", replicas);
        ArrayNode conditions = s.putArray("conditions");
        Conditions.deployment(conditions, previous, "Available", false, "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.", now);
        Conditions.deployment(conditions, previous, "Progressing", true, "ReplicaSetUpdated",
                replicaSet + " is progressing.", now);
    }
}

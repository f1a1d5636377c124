package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The {@code status} the DaemonSet controller and kubelets of a healthy cluster converge to: one pod on every
 * simulated node whose labels match the pod template's {@code nodeSelector} (so Flagger's scale-to-zero selector,
 * which no node carries, gives none), all of the current template, available once {@link PodHealth} says so. Always
 * for the current {@code metadata.generation}. Fields are those flagstep's {@code DaemonSetReadiness} reads (and
 * kubectl shows).
 */
final class DaemonSetStatus {

    private DaemonSetStatus() {}

    /** {@code count} nodes named {@code node-0..}, each labelled as a Linux node of its own hostname. */
    static List<Map<String, String>> nodes(int count) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> Map.of("kubernetes.io/hostname", "node-" + i, "kubernetes.io/os", "linux")).toList();
    }

    static ObjectNode of(JsonNode daemonSet, PodHealth health, List<Map<String, String>> nodes) {
        long generation = daemonSet.path("metadata").path("generation").asLong(1);
        JsonNode selector = daemonSet.path("spec").path("template").path("spec").path("nodeSelector");
        int desired = (int) nodes.stream().filter(n -> matches(selector, n)).count();
        int available = health instanceof PodHealth.Ready ? desired : 0;
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("observedGeneration", generation)
                .put("desiredNumberScheduled", desired).put("currentNumberScheduled", desired)
                .put("updatedNumberScheduled", desired).put("numberMisscheduled", 0)
                .put("numberReady", available).put("numberAvailable", available);
        if (desired > available) s.put("numberUnavailable", desired - available);
        return s;
    }

    /**
     * The DaemonSet as {@link Endpoints#of} counts a workload's pods: {@code status.replicas} scheduled,
     * {@code status.readyReplicas} of them ready.
     */
    static ObjectNode asPods(JsonNode daemonSet) {
        ObjectNode view = daemonSet.deepCopy();
        JsonNode s = daemonSet.path("status");
        view.putObject("status").put("replicas", s.path("currentNumberScheduled").asInt(0))
                .put("readyReplicas", s.path("numberReady").asInt(0));
        return view;
    }

    private static boolean matches(JsonNode selector, Map<String, String> node) {
        for (Map.Entry<String, JsonNode> e : selector.properties()) {
            if (!e.getValue().asText().equals(node.get(e.getKey()))) return false;
        }
        return true;
    }
}

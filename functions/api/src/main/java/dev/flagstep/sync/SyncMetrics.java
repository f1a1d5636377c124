package dev.flagstep.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.observability.FlaggerMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Flagger's {@code flagger_canary_total}: the Canary objects of each namespace, as each sync pass found
 * them (Flagger counts the canaries it watches on each scheduling pass). An embedded-metric-format line per
 * namespace, printed only inside Lambda; canaries applied through the API are not Canary objects and are not counted.
 */
final class SyncMetrics {

    private static final boolean IN_LAMBDA = System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null;

    private SyncMetrics() {}

    /** One line per namespace that has canaries, in namespace order. */
    static List<ObjectNode> totals(List<ObjectNode> canaries, Instant now) {
        Map<String, Integer> perNamespace = new TreeMap<>();
        canaries.forEach(c -> perNamespace.merge(ClusterInventory.idOf(c).namespace(), 1, Integer::sum));
        return perNamespace.entrySet().stream().map(e -> FlaggerMetrics.total(e.getKey(), e.getValue(), now)).toList();
    }

    static void emit(List<ObjectNode> lines) {
        if (IN_LAMBDA) {
            lines.forEach(l -> System.out.println(l.toString()));
        }
    }
}

package dev.flagstep.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What one pass did, logged as one JSON line: Canary objects listed, documents stored (new or changed), Flagger
 * statuses adopted, rollouts started, statuses written back, invalid objects, canaries deleted, and errors (a
 * failed list, or one canary's failure: each isolated, the pass goes on), with their messages.
 */
public record SyncSummary(int listed, int stored, int adopted, int started, int statusWritten, int invalid,
                          int deleted, int errors, long durationMillis, List<String> failures) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Messages kept in the log line; the count says how many there were. */
    static final int MAX_FAILURES = 20;

    public SyncSummary {
        failures = List.copyOf(failures.subList(0, Math.min(failures.size(), MAX_FAILURES)));
    }

    /** Whether the pass changed anything or met a problem: what is worth a line at INFO every minute. */
    public boolean eventful() {
        return stored + adopted + started + statusWritten + invalid + deleted + errors > 0;
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode().put("message", "cluster sync pass")
                .put("listed", listed).put("stored", stored).put("adopted", adopted).put("started", started)
                .put("statusWritten", statusWritten).put("invalid", invalid).put("deleted", deleted)
                .put("errors", errors).put("durationMs", durationMillis);
        failures.forEach(o.putArray("failures")::add);
        return o;
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}

package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.Map;

/**
 * fabric8's CRUD dispatcher, except that a JSON Patch whose {@code test} op fails is answered at once with
 * 422 and a Kubernetes {@code Status}, as a real API server does. The stock mock lets the exception escape
 * and never answers, so every lost resourceVersion race would cost flagstep a full client timeout; with the
 * simulated controllers writing status next to flagstep's writes that would stall demos for seconds.
 */
final class StrictPatchDispatcher extends KubernetesCrudDispatcher {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        try {
            return super.handlePatch(request);
        } catch (RuntimeException rejected) { // zjsonpatch: failed test, missing path, bad op
            return status(422, "Invalid", "the server rejected our request due to an error in our request: "
                    + rejected.getMessage());
        }
    }

    static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(statusJson(code, reason, message));
    }

    /** A Kubernetes {@code Status} failure body, as the API server sends with any error. */
    static String statusJson(int code, String reason, String message) {
        return statusJson(code, reason, message, Map.of());
    }

    /** As {@link #statusJson(int, String, String)} with {@code details} (e.g. name and kind of a missing object). */
    static String statusJson(int code, String reason, String message, Map<String, String> details) {
        ObjectNode s = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Status").put("status", "Failure")
                .put("message", message).put("reason", reason);
        s.putObject("metadata");
        if (!details.isEmpty()) {
            ObjectNode d = s.putObject("details");
            details.forEach(d::put);
        }
        s.put("code", code);
        return s.toString();
    }
}

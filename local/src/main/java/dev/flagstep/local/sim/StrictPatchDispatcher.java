package dev.flagstep.local.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * fabric8's CRUD dispatcher, with three things a real API server does that the stock mock does not:
 * <ul>
 * <li>a JSON Patch whose {@code test} op fails is answered at once with 422 and a Kubernetes {@code Status}.
 * The stock mock lets the exception escape and never answers, so every lost resourceVersion race would cost
 * flagstep a full client timeout; with the simulated controllers writing status next to flagstep's writes that
 * would stall demos for seconds;</li>
 * <li>a JSON merge patch follows RFC 7386 (arrays replaced, {@code null} removes a field); the stock mock
 * appends to arrays and stores nulls, so a Canary's {@code status.conditions} would grow with every write;</li>
 * <li>a list with a {@code fieldSelector} on {@code involvedObject.*} (how {@code kubectl describe} finds an
 * object's Events) is filtered; the stock mock only knows {@code metadata.name} and {@code metadata.namespace}.</li>
 * </ul>
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

    @Override
    public JsonNode merge(JsonNode existing, String patch) throws KubernetesCrudDispatcherException {
        try {
            return mergePatch(existing.deepCopy(), JSON.readTree(patch));
        } catch (JsonProcessingException e) {
            throw new KubernetesCrudDispatcherException(e.getMessage(), 422);
        }
    }

    /** RFC 7386: objects merge member by member, {@code null} removes, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) return patch;
        ObjectNode out = target != null && target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isNull()) {
                out.remove(f.getKey());
            } else {
                out.set(f.getKey(), mergePatch(out.get(f.getKey()), f.getValue()));
            }
        }
        return out;
    }

    @Override
    public MockResponse handleGet(String path) {
        int q = path.indexOf('?');
        if (q < 0 || !path.contains("involvedObject.")) return super.handleGet(path);
        List<String> kept = new ArrayList<>();
        List<String[]> involved = new ArrayList<>();
        for (String param : path.substring(q + 1).split("&")) {
            String[] kv = param.split("=", 2);
            if (!kv[0].equals("fieldSelector") || kv.length < 2) {
                kept.add(param);
                continue;
            }
            List<String> rest = new ArrayList<>();
            for (String requirement : URLDecoder.decode(kv[1], StandardCharsets.UTF_8).split(",")) {
                String[] r = requirement.split("!=|==|=", 2);
                if (r.length == 2 && r[0].startsWith("involvedObject.")) {
                    involved.add(new String[] {r[0], r[1], String.valueOf(requirement.contains("!="))});
                } else {
                    rest.add(requirement);
                }
            }
            if (!rest.isEmpty()) kept.add("fieldSelector=" + URLEncoder.encode(String.join(",", rest), StandardCharsets.UTF_8));
        }
        MockResponse listed = super.handleGet(path.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept)));
        if (listed.code() != 200 || involved.isEmpty()) return listed;
        try {
            ObjectNode list = (ObjectNode) JSON.readTree(listed.getBody().getBytes());
            JsonNode all = list.remove("items");
            ArrayNode items = list.putArray("items");
            for (JsonNode item : all == null ? JSON.createArrayNode() : all) {
                if (involved.stream().allMatch(r -> item.at("/" + r[0].replace('.', '/')).asText("").equals(r[1]) != Boolean.parseBoolean(r[2]))) {
                    items.add(item);
                }
            }
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(list.toString());
        } catch (IOException e) {
            return status(500, "InternalError", "field selector: " + e.getMessage());
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

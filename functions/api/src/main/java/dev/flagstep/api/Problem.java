package dev.flagstep.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.spec.SpecError;
import java.util.List;

/**
 * RFC 9457 problem details ({@code application/problem+json}): {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance}, plus {@code errors} (every problem of a canary
 * document, each with its {@code path}). Thrown as an exception from deep in a route, answered by
 * {@link ApiHandler}; never carries a stack trace.
 */
public final class Problem extends RuntimeException {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TYPE_BASE = "https://flagstep.dev/problems/";

    private final int status;
    private final String slug;
    private final String title;
    private final List<SpecError> errors;

    private Problem(int status, String slug, String title, String detail, List<SpecError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static Problem badRequest(String detail) {
        return new Problem(400, "bad-request", "Bad request", detail, List.of());
    }

    public static Problem invalidDocument(List<SpecError> errors) {
        String detail = errors.size() == 1
                ? "the canary document has 1 error: " + errors.getFirst()
                : "the canary document has " + errors.size() + " errors (see errors)";
        return new Problem(400, "invalid-canary", "Invalid canary document", detail, errors);
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "not-found", "Not found", detail, List.of());
    }

    public static Problem forbidden(String detail) {
        return new Problem(403, "forbidden", "Forbidden", detail, List.of());
    }

    public static Problem methodNotAllowed(String detail) {
        return new Problem(405, "method-not-allowed", "Method not allowed", detail, List.of());
    }

    public static Problem conflict(String detail) {
        return new Problem(409, "conflict", "Conflict", detail, List.of());
    }

    /** A change to a canary that its {@code Canary} object in the cluster owns (the API may only read it). */
    public static Problem managedByCluster(String detail) {
        return new Problem(409, "managed-by-cluster", "Canary managed by the cluster", detail, List.of());
    }

    /** 409: a manual operation (promote, abort, pause, resume, retry) cannot act in the rollout's phase. */
    public static Problem operationNotAllowed(String detail) {
        return new Problem(409, "operation-not-allowed", "Operation not allowed", detail, List.of());
    }

    public static Problem tooLarge(String detail) {
        return new Problem(413, "too-large", "Request body too large", detail, List.of());
    }

    public static Problem unsupportedMediaType(String detail) {
        return new Problem(415, "unsupported-media-type", "Unsupported media type", detail, List.of());
    }

    public static Problem unavailable(String detail) {
        return new Problem(503, "unavailable", "Service unavailable", detail, List.of());
    }

    public static Problem internal(String detail) {
        return new Problem(500, "internal", "Internal error", detail, List.of());
    }

    public int status() {
        return status;
    }

    public List<SpecError> errors() {
        return errors;
    }

    public HttpResponse toResponse(String instance) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", TYPE_BASE + slug);
        p.put("title", title);
        p.put("status", status);
        p.put("detail", getMessage());
        p.put("instance", instance);
        if (!errors.isEmpty()) {
            ArrayNode list = p.putArray("errors");
            for (SpecError e : errors) {
                list.addObject().put("path", e.path()).put("message", e.message());
            }
        }
        return new HttpResponse(status, java.util.Map.of("Content-Type", HttpResponse.PROBLEM), p.toString());
    }
}

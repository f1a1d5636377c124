package dev.flagstep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.store.GateStore;
import dev.flagstep.store.GateType;
import dev.flagstep.store.LoadtesterGateKey;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * flagger-loadtester's gate API ({@code pkg/loadtester/server.go}) with its exact answers: any method,
 * the body read as Flagger's webhook payload, {@code 400} with an empty body when it is not one,
 * {@code 200 "Approved"} / {@code 403 "Forbidden"} from the checks, {@code 202} with an empty body
 * from open and close, {@code 200 "OK"} from approve and {@code 403 "Forbidden"} from halt.
 *
 * <p>Beyond the loadtester: the gates live in DynamoDB, so every caller and every replica sees the
 * same gate and a restart forgets nothing (#445); they close again when a rollout ends (the engine
 * calls {@code closeAll}), so an approval never leaks into the next release (#443); opening a gate a
 * rollout is parked on wakes it at once. Still closed by default, as in the loadtester.
 */
final class LoadtesterGates {

    static final String APPROVED = "Approved";
    static final String FORBIDDEN = "Forbidden";
    static final String OK = "OK";
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private final GateStore store;
    private final TaskTokens tokens;
    private final ObjectMapper json;

    LoadtesterGates(GateStore store, TaskTokens tokens, ObjectMapper json) {
        this.store = store;
        this.tokens = tokens;
        this.json = json;
    }

    /** {@code /gate/{action}} and {@code /rollback/{action}}; empty for an action the loadtester does not have. */
    Optional<HttpResponse> handle(String group, String action, HttpRequest req) {
        boolean rollback = group.equals("rollback");
        if (!rollback && action.equals("approve")) {
            return Optional.of(HttpResponse.text(200, OK));
        }
        if (!rollback && action.equals("halt")) {
            return Optional.of(HttpResponse.text(403, FORBIDDEN));
        }
        if (!action.equals("check") && !action.equals("open") && !action.equals("close")) {
            return Optional.empty();
        }
        Optional<Payload> payload = payload(req);
        if (payload.isEmpty()) {
            return Optional.of(HttpResponse.empty(400));
        }
        Payload p = payload.get();
        Optional<LoadtesterGateKey> key = p.valid()
                ? Optional.of(rollback ? LoadtesterGateKey.rollback(p.name(), p.namespace())
                        : LoadtesterGateKey.confirm(p.name(), p.namespace()))
                : Optional.empty();
        return Optional.of(switch (action) {
            // A key no canary can have is never open; nothing is stored for it.
            case "check" -> key.filter(k -> store.gate(k.canary(), k.type()).open()).isPresent()
                    ? HttpResponse.text(200, APPROVED)
                    : HttpResponse.text(403, FORBIDDEN);
            case "open" -> key.map(k -> {
                String who = req.caller().orElse("loadtester-api");
                store.openGate(k.canary(), k.type(), who, "/" + group + "/open")
                        .ifPresent(token -> tokens.resume(token, resumeOutput(k, who)));
                return HttpResponse.empty(202);
            }).orElse(HttpResponse.empty(400));
            default -> key.map(k -> {
                store.closeGate(k.canary(), k.type(), req.caller().orElse("loadtester-api"), "/" + group + "/close");
                return HttpResponse.empty(202);
            }).orElse(HttpResponse.empty(400));
        });
    }

    private String resumeOutput(LoadtesterGateKey key, String who) {
        return json.createObjectNode()
                .put("gate", key.type() == GateType.ROLLBACK ? "rollback" : "loadtester")
                .put("key", key.key())
                .put("openedBy", who)
                .toString();
    }

    record Payload(String name, String namespace) {
        boolean valid() {
            return NAME.matcher(name).matches() && name.length() <= 253
                    && NAMESPACE.matcher(namespace).matches() && namespace.length() <= 63;
        }
    }

    /**
     * Reads the body as Go's {@code json.Unmarshal} reads a {@code CanaryWebhookPayload}: empty or
     * malformed JSON, a non-object, a non-string {@code name}/{@code namespace}/{@code phase}/
     * {@code checksum}, or a non-string metadata value is an error; {@code null} and unknown fields
     * are not.
     */
    private Optional<Payload> payload(HttpRequest req) {
        JsonNode node;
        try {
            node = json.readTree(req.body());
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
        if (node == null || node.isMissingNode()) {
            return Optional.empty(); // empty body: "unexpected end of JSON input"
        }
        if (node.isNull()) {
            return Optional.of(new Payload("", ""));
        }
        if (!node.isObject()) {
            return Optional.empty();
        }
        for (String field : new String[] {"name", "namespace", "phase", "checksum"}) {
            JsonNode v = node.get(field);
            if (v != null && !v.isNull() && !v.isTextual()) {
                return Optional.empty();
            }
        }
        JsonNode metadata = node.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                return Optional.empty();
            }
            for (JsonNode v : metadata) {
                if (!v.isTextual() && !v.isNull()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new Payload(node.path("name").asText(""), node.path("namespace").asText("")));
    }
}

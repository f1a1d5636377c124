package dev.flagstep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.gate.LoadtesterAnswer;
import dev.flagstep.gate.LoadtesterGateKey;
import dev.flagstep.gate.LoadtesterPath;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.GateStore;
import java.util.Optional;

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

    private final GateStore store;
    private final GateOpening opening;
    private final ObjectMapper json;

    LoadtesterGates(GateStore store, GateOpening opening, ObjectMapper json) {
        this.store = store;
        this.opening = opening;
        this.json = json;
    }

    /** One of the loadtester's paths, with any method. */
    HttpResponse handle(LoadtesterPath path, HttpRequest req) {
        return response(switch (path.action()) {
            case APPROVE, HALT -> path.check(Optional.empty(), gate -> false);
            case CHECK, OPEN, CLOSE -> payload(req).map(p -> withPayload(path, p, req)).orElse(LoadtesterAnswer.BAD_REQUEST);
        });
    }

    private LoadtesterAnswer withPayload(LoadtesterPath path, CanaryId canary, HttpRequest req) {
        if (!canary.valid()) {
            // a key no canary can have is never open, and nothing is stored for it
            return path.action() == LoadtesterPath.Action.CHECK ? LoadtesterAnswer.FORBIDDEN : LoadtesterAnswer.BAD_REQUEST;
        }
        String who = req.caller().orElse("loadtester-api");
        return switch (path.action()) {
            case CHECK -> path.check(Optional.empty(), gate -> store.gate(canary, gate).open());
            case OPEN -> {
                LoadtesterGateKey key = path.key(canary);
                opening.open(canary, key.type(), Optional.of(key.key()), who, path.path());
                yield LoadtesterAnswer.ACCEPTED;
            }
            case CLOSE -> {
                store.closeGate(canary, path.key(canary).type(), who, path.path());
                yield LoadtesterAnswer.ACCEPTED;
            }
            case APPROVE, HALT -> throw new IllegalStateException(path.path() + " reads no payload");
        };
    }

    private static HttpResponse response(LoadtesterAnswer answer) {
        return answer.body().isEmpty() ? HttpResponse.empty(answer.status()) : HttpResponse.text(answer.status(), answer.body());
    }

    /**
     * Reads the body as Go's {@code json.Unmarshal} reads a {@code CanaryWebhookPayload}: empty or
     * malformed JSON, a non-object, a non-string {@code name}/{@code namespace}/{@code phase}/
     * {@code checksum}, or a non-string metadata value is an error; {@code null} and unknown fields
     * are not.
     */
    private Optional<CanaryId> payload(HttpRequest req) {
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
            return Optional.of(new CanaryId("", ""));
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
        return Optional.of(new CanaryId(node.path("namespace").asText(""), node.path("name").asText("")));
    }
}

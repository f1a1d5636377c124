package dev.flagstep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.CanarySummary;
import dev.flagstep.store.Gate;
import dev.flagstep.gate.GateType;
import dev.flagstep.store.Page;
import dev.flagstep.store.SpecRecord;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code /canaries/...}: the canary documents, their state, rollouts and built-in gates. */
final class CanaryResource {

    /** What a canary document may be sent as. Missing: the parser tells YAML from JSON itself. */
    static final Set<String> DOCUMENT_TYPES = Set.of(
            "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/json", "text/plain");

    static final int RECENT_EVENTS = 20;
    private static final int MAX_LIST = 100;

    private final CanaryStore store;
    private final SpecParser parser;
    private final RolloutStarter rollouts;
    private final GateOpening opening;
    private final ObjectMapper json;
    private final Views views;

    CanaryResource(CanaryStore store, SpecParser parser, RolloutStarter rollouts, GateOpening opening, ObjectMapper json) {
        this.store = store;
        this.parser = parser;
        this.rollouts = rollouts;
        this.opening = opening;
        this.json = json;
        this.views = new Views(json);
    }

    static CanaryId id(String namespace, String name) {
        if (!CanaryId.isNamespace(namespace)) {
            throw Problem.badRequest("namespace \"" + namespace + "\" is not a Kubernetes namespace (RFC 1123 label)");
        }
        if (!CanaryId.isName(name)) {
            throw Problem.badRequest("name \"" + name + "\" is not a Kubernetes object name (RFC 1123 subdomain)");
        }
        return new CanaryId(namespace, name);
    }

    // ------------------------------------------------------------------ documents

    HttpResponse list(HttpRequest req) {
        int limit = intParam(req, "limit", 50, 1, MAX_LIST);
        Optional<String> namespace = Optional.ofNullable(req.query().get("namespace")).filter(s -> !s.isEmpty());
        Optional<String> cursor = Optional.ofNullable(req.query().get("cursor")).filter(s -> !s.isEmpty());
        Page<CanarySummary> page;
        try {
            page = store.list(namespace, limit, cursor);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("cursor: not a cursor this API handed out");
        }
        ObjectNode out = views.object();
        ArrayNode items = out.putArray("canaries");
        for (CanarySummary s : page.items()) {
            ObjectNode o = views.canary(items.addObject(), s.canary());
            o.put("specVersion", s.specVersion());
            s.status().ifPresentOrElse(st -> o.set("status", views.status(st)), () -> o.putNull("status"));
            s.activeRun().ifPresentOrElse(r -> o.set("activeRun", views.activeRun(r)), () -> o.putNull("activeRun"));
        }
        page.next().ifPresent(n -> out.put("next", n));
        return HttpResponse.json(200, out.toString());
    }

    HttpResponse put(CanaryId id, HttpRequest req) {
        req.mediaType().filter(t -> !DOCUMENT_TYPES.contains(t)).ifPresent(t -> {
            throw Problem.unsupportedMediaType("a canary document is YAML or JSON (Content-Type application/yaml or "
                    + "application/json), not " + t);
        });
        String text = req.bodyText();
        if (text.isBlank()) {
            throw Problem.badRequest("the request body is empty: send the Canary manifest (or its spec) as YAML or JSON");
        }
        refuseClusterCanary(store.spec(id), "replaced");
        SpecResult.Valid valid = valid(text, id);
        CanaryDocument doc = valid.document();
        long version = store.putSpec(id, text);
        ObjectNode out = views.canary(views.object(), doc.canary().id());
        out.put("version", version);
        out.put("intervalSeconds", doc.canary().interval().toSeconds());
        // fields Flagger accepts and ignores for this provider: stored, and named here
        ArrayNode warnings = out.putArray("warnings");
        valid.warnings().forEach(w -> warnings.addObject().put("path", w.path()).put("message", w.message()));
        return HttpResponse.json(version == 1 ? 201 : 200, out.toString())
                .withHeader("Location", "/canaries/" + id.namespace() + "/" + id.name());
    }

    HttpResponse get(CanaryId id) {
        SpecRecord spec = spec(id);
        ObjectNode out = views.canary(views.object(), id);
        out.put("version", spec.version());
        out.put("updatedAt", spec.updatedAt().toString());
        out.put("document", spec.source());
        store.status(id).ifPresentOrElse(s -> out.set("status", views.status(s)), () -> out.putNull("status"));
        store.activeRun(id).ifPresentOrElse(r -> {
            ObjectNode active = views.activeRun(r);
            // what an operator asked of the run (POST .../pause, promote, abort), for `flagstep get`
            store.run(id, r.runId()).ifPresent(run -> {
                run.control().ifPresent(c -> active.put("control", c.wire()));
                run.pausedSince().ifPresent(p -> active.put("pausedSince", p.toString()));
            });
            out.set("activeRun", active);
        }, () -> out.putNull("activeRun"));
        out.set("gates", gates(id));
        ArrayNode events = out.putArray("events");
        for (CanaryEvent e : store.events(id, RECENT_EVENTS, Optional.empty()).items()) {
            events.add(views.event(e));
        }
        return HttpResponse.json(200, out.toString());
    }

    HttpResponse delete(CanaryId id) {
        refuseClusterCanary(store.spec(id), "deleted");
        // CanaryBusyException (a rollout holds the canary) is answered 409 by ApiHandler.
        if (!store.deleteCanary(id)) {
            throw notFound(id);
        }
        return HttpResponse.empty(204);
    }

    // ------------------------------------------------------------------ rollouts

    HttpResponse startRollout(CanaryId id, HttpRequest req) {
        JsonNode body = jsonBody(req);
        JsonNode revision = body.path("revision");
        if (!revision.isTextual() || revision.asText().isBlank()) {
            throw Problem.badRequest("revision: required, a non-empty string naming what is rolled out "
                    + "(an image digest, a git sha, a Helm revision)");
        }
        if (revision.asText().length() > 256) {
            throw Problem.badRequest("revision: at most 256 characters");
        }
        JsonNode supersede = body.path("supersede");
        if (!supersede.isMissingNode() && !supersede.isBoolean()) {
            throw Problem.badRequest("supersede: true or false");
        }
        SpecRecord spec = spec(id);
        refuseClusterCanary(Optional.of(spec), "rolled out through the API (its revisions are detected from the target)");
        CanaryDocument doc = parse(spec.source(), id);
        RolloutRequest request = new RolloutRequest(id, revision.asText(),
                (int) doc.canary().interval().toSeconds(), supersede.asBoolean(true));
        ObjectNode out = views.canary(views.object(), id).put("revision", request.revision());
        return switch (rollouts.start(request)) {
            case RolloutStart.Started s -> {
                out.put("status", "started").put("runId", s.runId()).put("executionId", s.executionId());
                out.set("superseded", json.valueToTree(s.supersededRevisions()));
                yield HttpResponse.json(201, out.toString());
            }
            case RolloutStart.AlreadyStarted s -> {
                out.put("status", "alreadyStarted").put("runId", s.runId()).put("executionId", s.executionId());
                yield HttpResponse.json(200, out.toString());
            }
            case RolloutStart.Conflict c -> throw Problem.conflict("revision " + c.runningRevision()
                    + " is rolling out; send \"supersede\": true to replace it with " + request.revision());
        };
    }

    // ------------------------------------------------------------------ built-in gates

    HttpResponse gates(CanaryId id, HttpRequest req) {
        spec(id);
        ObjectNode out = views.canary(views.object(), id);
        out.set("gates", gates(id));
        return HttpResponse.json(200, out.toString());
    }

    HttpResponse gate(CanaryId id, String type, String action, HttpRequest req) {
        GateType gate = GateType.fromWire(type).filter(GateType::isBuiltIn).orElseThrow(() -> Problem.notFound(
                "no gate \"" + type + "\": the built-in gates are confirm-rollout, confirm-traffic-increase, "
                        + "confirm-promotion and rollback"));
        JsonNode body = jsonBody(req);
        String why = body.path("reason").asText("");
        String who = req.caller().orElse("anonymous");
        spec(id);
        ObjectNode out = views.canary(views.object(), id).put("gate", gate.wireName());
        switch (action) {
            case "open" -> {
                out.put("open", true).put("resumedRollout", opening.open(id, gate, who, why));
            }
            case "close" -> {
                store.closeGate(id, gate, who, why);
                out.put("open", false);
            }
            default -> throw Problem.notFound("gates are opened with .../open and closed with .../close, not " + action);
        }
        return HttpResponse.json(200, out.toString());
    }

    private ObjectNode gates(CanaryId id) {
        ObjectNode out = views.object();
        for (Map.Entry<GateType, Gate> g : store.gates(id).entrySet()) {
            out.set(g.getKey().wireName(), views.gate(g.getKey().wireName(), g.getValue()));
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private SpecRecord spec(CanaryId id) {
        return store.spec(id).orElseThrow(() -> notFound(id));
    }

    /**
     * A canary from a {@code Canary} object is the cluster's: the API reads it, opens and closes its gates, but
     * never changes it (the next sync would undo a PUT; a DELETE would be re-created).
     */
    private static void refuseClusterCanary(Optional<SpecRecord> spec, String change) {
        spec.filter(SpecRecord::fromCluster).ifPresent(s -> {
            throw Problem.managedByCluster("canary " + s.canary() + " is managed by its Canary object in the cluster and "
                    + "cannot be " + change + " here; change it with kubectl or your GitOps repository");
        });
    }

    private static Problem notFound(CanaryId id) {
        return Problem.notFound("no canary " + id + " (PUT /canaries/" + id + " creates it)");
    }

    private CanaryDocument parse(String text, CanaryId id) {
        return valid(text, id).document();
    }

    private SpecResult.Valid valid(String text, CanaryId id) {
        return switch (parser.parse(text, id)) {
            case SpecResult.Valid v -> v;
            case SpecResult.Invalid i -> throw Problem.invalidDocument(i.errors());
        };
    }

    /** A small JSON object body; empty is {@code {}}. */
    private JsonNode jsonBody(HttpRequest req) {
        return jsonBody(req, json);
    }

    /** A small JSON object body; empty is {@code {}}. */
    static JsonNode jsonBody(HttpRequest req, ObjectMapper json) {
        if (req.bodyLength() == 0 || req.bodyText().isBlank()) {
            return json.createObjectNode();
        }
        req.mediaType().filter(t -> !t.equals("application/json")).ifPresent(t -> {
            throw Problem.unsupportedMediaType("this route takes application/json, not " + t);
        });
        try {
            JsonNode node = json.readTree(req.bodyText());
            if (node == null || !node.isObject()) {
                throw Problem.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw Problem.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    static int intParam(HttpRequest req, String name, int dflt, int min, int max) {
        String v = req.query().get(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw Problem.badRequest(name + ": between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw Problem.badRequest(name + ": not a number: " + v);
        }
    }
}

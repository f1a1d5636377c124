package dev.flagstep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.gate.GateType;
import dev.flagstep.gate.TaskTokens;
import dev.flagstep.operation.Approval;
import dev.flagstep.operation.Operation;
import dev.flagstep.operation.OperationMessages;
import dev.flagstep.operation.OperationVerdict;
import dev.flagstep.operation.Operations;
import dev.flagstep.operation.RunControl;
import dev.flagstep.operation.RunOperation;
import dev.flagstep.operation.Stage;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.ActiveRun;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.Gate;
import dev.flagstep.store.Page;
import dev.flagstep.store.Run;
import dev.flagstep.store.RunResult;
import dev.flagstep.store.SpecRecord;
import dev.flagstep.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The manual operations on a canary's rollout ({@code POST .../promote|abort|pause|resume|retry}) and its history
 * ({@code GET .../runs}, {@code GET .../events}): docs/api.md. Each operation is decided by {@link Operations} from
 * the status and the active run, written to the run conditioned on what it was decided from, recorded with the
 * caller's ARN and reason on the run and in the canary's events, and acts at once when the run is parked on a task
 * token (a gate, or a pause): the token is completed. They never change the document, so canaries synced from the
 * cluster take them too.
 */
final class OperationResource {

    /** The longest {@code reason} taken. */
    static final int MAX_REASON = 1000;
    private static final int ATTEMPTS = 3;
    private static final int MAX_LIST = 100;

    private final CanaryStore store;
    private final SpecParser parser;
    private final RolloutStarter rollouts;
    private final TaskTokens tokens;
    private final ObjectMapper json;
    private final Views views;
    private final Clock clock;

    OperationResource(CanaryStore store, SpecParser parser, RolloutStarter rollouts, TaskTokens tokens, ObjectMapper json,
            Clock clock) {
        this.store = store;
        this.parser = parser;
        this.rollouts = rollouts;
        this.tokens = tokens;
        this.json = json;
        this.views = new Views(json);
        this.clock = clock;
    }

    /** The operation a path segment names, if it is one. */
    static Optional<Operation> operation(String segment) {
        return Operation.fromWire(segment);
    }

    // ------------------------------------------------------------------ promote, abort, pause, resume

    HttpResponse operate(CanaryId id, Operation op, HttpRequest req) {
        if (op == Operation.RETRY) {
            return retry(id, req);
        }
        String reason = reason(req);
        String who = req.caller().orElse("anonymous");
        spec(id);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<ActiveRun> active = store.activeRun(id);
            Optional<Run> run = active.flatMap(a -> store.run(id, a.runId()));
            CanaryStatus status = store.status(id).map(Versioned::value).orElse(CanaryStatus.initial(clock.instant()));
            Stage stage = Stage.of(run.map(Run::startedAt), status.phase(), status.lastTransitionTime());
            Optional<RunControl> control = run.flatMap(Run::control);
            OperationVerdict verdict = Operations.decide(op, stage, status.phase(), control,
                    run.flatMap(Run::lastOperation).map(RunOperation::operation));
            switch (verdict) {
                case OperationVerdict.Refused r -> throw Problem.operationNotAllowed(
                        "cannot " + op.wire() + " " + id + ": " + r.why());
                case OperationVerdict.AlreadyRequested a -> {
                    return answer(id, op, run.orElseThrow().runId(), "alreadyRequested", false);
                }
                case OperationVerdict.Allowed allowed -> {
                    Run r = run.orElseThrow();
                    Instant now = clock.instant();
                    Optional<Optional<String>> changed = store.control(id, r.runId(), control, allowed.next(),
                            new RunOperation(op, who, reason, now));
                    if (changed.isEmpty()) {
                        continue; // the run moved on meanwhile (a tick, another operator): decide again
                    }
                    if (op == Operation.PROMOTE) {
                        // the operator's promote is the run's promotion approval
                        store.recordApproval(id, r.runId(), new Approval(GateType.CONFIRM_PROMOTION.wireName(), who,
                                "promote" + (reason.isBlank() ? "" : ": " + reason), now));
                    }
                    record(id, status, r.runId(), OperationMessages.requested(id, op, who, reason), now);
                    boolean resumed = wake(changed.get());
                    if (op == Operation.PROMOTE || op == Operation.ABORT) {
                        resumed |= wakeGates(id);
                    }
                    return answer(id, op, r.runId(), "requested", resumed);
                }
            }
        }
        throw Problem.operationNotAllowed("cannot " + op.wire() + " " + id + ": the rollout kept changing; try again");
    }

    private HttpResponse answer(CanaryId id, Operation op, String runId, String status, boolean resumed) {
        ObjectNode out = views.canary(views.object(), id)
                .put("operation", op.wire()).put("runId", runId).put("status", status).put("resumedRollout", resumed);
        return HttpResponse.json(200, out.toString());
    }

    /** Completes the token a paused run was parked with, if this change took one. */
    private boolean wake(Optional<String> pauseToken) {
        return pauseToken.map(t -> tokens.resume(t, "{}")).orElse(false);
    }

    /**
     * Completes the token of a run parked on a gate (confirm-rollout, confirm-traffic-increase, confirm-promotion), so
     * a promote or abort acts now rather than at the next interval; the gate itself stays as it is.
     */
    private boolean wakeGates(CanaryId id) {
        boolean woken = false;
        for (Map.Entry<GateType, Gate> g : store.gates(id).entrySet()) {
            Optional<String> token = g.getValue().waitingTaskToken();
            if (token.isPresent() && store.clearToken(id, g.getKey(), token.get())) {
                woken |= tokens.resume(token.get(), json.createObjectNode().put("operation", "wake").toString());
            }
        }
        return woken;
    }

    // ------------------------------------------------------------------ retry

    private HttpResponse retry(CanaryId id, HttpRequest req) {
        String reason = reason(req);
        String who = req.caller().orElse("anonymous");
        SpecRecord spec = spec(id);
        List<Run> runs = store.runs(id, 1000, Optional.empty()).items();
        Optional<Run> last = runs.isEmpty() ? Optional.empty() : Optional.of(runs.getFirst());
        Optional<ActiveRun> active = store.activeRun(id);
        // the same retry again (a client retrying its request) while that retry runs: the same answer, nothing started
        Optional<Run> running = last.filter(l -> l.retryOf().isPresent() && l.result() == RunResult.RUNNING
                && active.map(a -> a.runId().equals(l.runId())).orElse(false));
        if (running.isPresent()) {
            Run r = running.get();
            ObjectNode out = views.canary(views.object(), id).put("status", "alreadyRequested").put("runId", r.runId());
            rollouts.executionArn(r.runId()).ifPresent(a -> out.put("executionId", a));
            out.put("revision", r.revision()).put("retryOf", r.retryOf().get());
            return HttpResponse.json(200, out.toString());
        }
        int retries = last.map(l -> (int) runs.stream()
                .filter(r -> r.revision().equals(l.revision()) && r.retryOf().isPresent()).count()).orElse(0);
        OperationVerdict verdict = Operations.decideRetry(active.map(ActiveRun::runId),
                last.map(l -> new Operations.LastRun(l.runId(), l.revision(), result(l.result()),
                        l.result() == RunResult.FAILED)),
                retries);
        if (verdict instanceof OperationVerdict.Refused r) {
            throw Problem.operationNotAllowed("cannot retry " + id + ": " + r.why());
        }
        Run failed = last.orElseThrow();
        String runId = ExecutionNames.retry(id, failed.revision(), retries + 1);
        Instant now = clock.instant();
        if (!store.claimRetry(id, runId, failed.revision(), failed.runId(), new RunOperation(Operation.RETRY, who, reason, now),
                now)) {
            throw Problem.operationNotAllowed("cannot retry " + id + ": a rollout started meanwhile; look at its runs");
        }
        int interval = (int) Math.max(1, document(spec, id).interval().toSeconds());
        RolloutStart start;
        try {
            start = rollouts.startRetry(new RolloutRequest(id, failed.revision(), interval, false), runId);
        } catch (RuntimeException e) {
            // no execution drives the run: give the canary back
            store.finishRun(id, runId, RunResult.FAILED, clock.instant());
            throw e;
        }
        if (!(start instanceof RolloutStart.Started started)) {
            store.finishRun(id, runId, RunResult.FAILED, clock.instant());
            throw Problem.operationNotAllowed("cannot retry " + id + ": the execution " + runId + " was started before");
        }
        CanaryStatus status = store.status(id).map(Versioned::value).orElse(CanaryStatus.initial(now));
        record(id, status, runId, OperationMessages.requested(id, Operation.RETRY, who, reason), now);
        ObjectNode out = views.canary(views.object(), id)
                .put("status", "started").put("runId", runId).put("executionId", started.executionId())
                .put("revision", failed.revision()).put("retryOf", failed.runId());
        return HttpResponse.json(201, out.toString());
    }

    // ------------------------------------------------------------------ history

    HttpResponse runs(CanaryId id, HttpRequest req) {
        spec(id);
        int limit = CanaryResource.intParam(req, "limit", 20, 1, MAX_LIST);
        Page<Run> page;
        try {
            page = store.runs(id, limit, cursor(req));
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("cursor: not a cursor this API handed out");
        }
        Instant now = clock.instant();
        ObjectNode out = views.canary(views.object(), id);
        ArrayNode items = out.putArray("runs");
        for (Run r : page.items()) {
            ObjectNode o = items.addObject().put("runId", r.runId()).put("revision", r.revision())
                    .put("startedAt", r.startedAt().toString());
            r.endedAt().ifPresentOrElse(e -> o.put("endedAt", e.toString()), () -> o.putNull("endedAt"));
            o.put("result", result(r.result()));
            o.put("durationSeconds", Duration.between(r.startedAt(), r.endedAt().orElse(now)).toSeconds());
            rollouts.executionArn(r.runId()).ifPresent(a -> o.put("executionArn", a));
            r.retryOf().ifPresent(x -> o.put("retryOf", x));
            r.supersededBy().ifPresent(x -> o.put("supersededBy", x));
            r.control().filter(c -> r.result() == RunResult.RUNNING).ifPresent(c -> o.put("control", c.wire()));
            r.pausedSince().filter(p -> r.result() == RunResult.RUNNING).ifPresent(p -> o.put("pausedSince", p.toString()));
            ArrayNode approvals = o.putArray("approvals");
            r.approvals().forEach(a -> approvals.addObject().put("gate", a.gate()).put("who", a.who()).put("why", a.why())
                    .put("when", a.when().toString()));
            ArrayNode operations = o.putArray("operations");
            r.operations().forEach(x -> operations.addObject().put("operation", x.operation().wire()).put("who", x.who())
                    .put("reason", x.reason()).put("when", x.when().toString()));
        }
        page.next().ifPresent(n -> out.put("next", n));
        return HttpResponse.json(200, out.toString());
    }

    HttpResponse events(CanaryId id, HttpRequest req) {
        spec(id);
        int limit = CanaryResource.intParam(req, "limit", 50, 1, MAX_LIST);
        Optional<String> runId = Optional.ofNullable(req.query().get("runId")).filter(s -> !s.isEmpty());
        List<CanaryEvent> events = new ArrayList<>();
        Optional<String> cursor = cursor(req);
        try {
            // with a runId, whole pages are read and filtered, so the cursor handed back never skips an event
            do {
                Page<CanaryEvent> page = store.events(id, limit - events.size(), cursor);
                page.items().stream().filter(e -> runId.map(e.runId()::equals).orElse(true)).forEach(events::add);
                cursor = page.next();
            } while (runId.isPresent() && events.size() < limit && cursor.isPresent());
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("cursor: not a cursor this API handed out");
        }
        ObjectNode out = views.canary(views.object(), id);
        ArrayNode items = out.putArray("events");
        events.forEach(e -> items.add(views.event(e)));
        cursor.ifPresent(n -> out.put("next", n));
        return HttpResponse.json(200, out.toString());
    }

    // ------------------------------------------------------------------ helpers

    /** "Running", "Succeeded", "Failed", "Superseded". */
    static String result(RunResult r) {
        String name = r.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private void record(CanaryId id, CanaryStatus status, String runId, Message m, Instant now) {
        store.append(new CanaryEvent(id, m.severity(), m.text(), status.phase(), now, status.canaryWeight(),
                status.failedChecks(), runId, status.checksum()));
    }

    private String reason(HttpRequest req) {
        JsonNode body = CanaryResource.jsonBody(req, json);
        JsonNode reason = body.path("reason");
        if (reason.isMissingNode() || reason.isNull()) {
            return "";
        }
        if (!reason.isTextual()) {
            throw Problem.badRequest("reason: a string (why, for the canary's events and run history)");
        }
        if (reason.asText().length() > MAX_REASON) {
            throw Problem.badRequest("reason: at most " + MAX_REASON + " characters, not " + reason.asText().length());
        }
        return reason.asText();
    }

    private static Optional<String> cursor(HttpRequest req) {
        return Optional.ofNullable(req.query().get("cursor")).filter(s -> !s.isEmpty());
    }

    private SpecRecord spec(CanaryId id) {
        return store.spec(id).orElseThrow(() -> Problem.notFound("no canary " + id + " (PUT /canaries/" + id + " creates it)"));
    }

    private dev.flagstep.spec.CanarySpec document(SpecRecord spec, CanaryId id) {
        return switch (parser.parse(spec.source(), id)) {
            case SpecResult.Valid v -> v.document().canary();
            case SpecResult.Invalid i -> throw Problem.invalidDocument(i.errors());
        };
    }
}

package dev.flagstep.api;

import static dev.flagstep.api.ApiHandlerTest.JSON_TYPE;
import static dev.flagstep.api.ApiHandlerTest.PODINFO;
import static dev.flagstep.api.ApiHandlerTest.PODINFO_YAML;
import static dev.flagstep.api.ApiHandlerTest.YAML;
import static dev.flagstep.api.ApiHandlerTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.api.testing.FakeStepFunctions;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.gate.GateType;
import dev.flagstep.gate.SfnTaskTokens;
import dev.flagstep.operation.Operation;
import dev.flagstep.operation.RunControl;
import dev.flagstep.operation.RunOperation;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.Run;
import dev.flagstep.store.RunResult;
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.testing.DynamoTableExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operation routes ({@code POST .../promote|abort|pause|resume|retry}) and the history routes, on DynamoDB Local. */
class OperationApiTest {

    static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    @RegisterExtension
    final DynamoTableExtension dynamo = new DynamoTableExtension();

    final ObjectMapper json = new ObjectMapper();
    FakeStepFunctions sfn;
    CanaryStore store;
    ApiHandler api;

    @BeforeEach
    void setUp() throws Exception {
        sfn = new FakeStepFunctions();
        var client = sfn.client();
        store = dynamo.store(Clock.systemUTC());
        api = new ApiHandler(store, new ExecutionRolloutStarter(
                new SfnRolloutExecutions(() -> client, FakeStepFunctions.STATE_MACHINE_ARN, json)),
                new SfnTaskTokens(() -> client));
        assertThat(api.handle(HttpRequest.of("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML)).status()).isEqualTo(201);
    }

    @AfterEach
    void tearDown() {
        sfn.close();
    }

    HttpResponse post(String operation, String body) {
        return api.handle(new HttpRequest("POST", "/canaries/test/podinfo/" + operation, JSON_TYPE, Map.of(),
                body.getBytes(StandardCharsets.UTF_8), Optional.of(ALICE)));
    }

    HttpResponse get(String path, Map<String, String> query) {
        return api.handle(new HttpRequest("GET", path, Map.of(), query, new byte[0], Optional.of(ALICE)));
    }

    JsonNode body(HttpResponse r) throws Exception {
        return json.readTree(r.body());
    }

    /** A run {@code run-1} of rev-1 that started at T0 and is now in {@code phase}. */
    void running(CanaryPhase phase) {
        store.claimRun(PODINFO, "run-1", "rev-1", T0);
        store.saveStatus(PODINFO, new CanaryStatus(phase, 20, 0, 0, "rev-1", T0.plusSeconds(60), List.of()), 0);
    }

    Run run() {
        return store.run(PODINFO, "run-1").orElseThrow();
    }

    void assertNotAllowed(HttpResponse r, String detail) throws Exception {
        assertProblem(r, 409);
        JsonNode p = body(r);
        assertThat(p.get("type").asText()).isEqualTo("https://flagstep.dev/problems/operation-not-allowed");
        assertThat(p.get("title").asText()).isEqualTo("Operation not allowed");
        assertThat(p.get("detail").asText()).isEqualTo(detail);
    }

    @Test
    void promoteIsRecordedWithWhoAndWhyAsTheRunsApprovalAndIsIdempotent() throws Exception {
        running(CanaryPhase.PROGRESSING);

        HttpResponse r = post("promote", "{\"reason\":\"metrics look fine\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(body(r)).isEqualTo(json.readTree("""
                {"namespace":"test","name":"podinfo","operation":"promote","runId":"run-1","status":"requested",
                 "resumedRollout":false}"""));
        Run run = run();
        assertThat(run.control()).contains(RunControl.PROMOTE);
        assertThat(run.operations()).singleElement().satisfies(o -> {
            assertThat(o.operation()).isEqualTo(Operation.PROMOTE);
            assertThat(o.who()).isEqualTo(ALICE);
            assertThat(o.reason()).isEqualTo("metrics look fine");
        });
        assertThat(run.approvals()).singleElement().satisfies(a -> {
            assertThat(a.gate()).isEqualTo("confirm-promotion");
            assertThat(a.who()).isEqualTo(ALICE);
            assertThat(a.why()).isEqualTo("promote: metrics look fine");
        });
        var event = store.events(PODINFO, 1, Optional.empty()).items().getFirst();
        assertThat(event.message()).isEqualTo("Promotion of podinfo.test requested by " + ALICE + ": metrics look fine");
        assertThat(event.runId()).isEqualTo("run-1");

        HttpResponse again = post("promote", "");
        assertThat(body(again).get("status").asText()).isEqualTo("alreadyRequested");
        assertThat(run().operations()).hasSize(1);
        // the document is untouched: a runtime skip, not an edit
        assertThat(store.spec(PODINFO).orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void promoteAndAbortWakeARolloutParkedOnAGateWithoutOpeningIt() throws Exception {
        running(CanaryPhase.WAITING_PROMOTION);
        store.park(PODINFO, GateType.CONFIRM_PROMOTION, "token-7", T0);
        sfn.parkToken("token-7");

        HttpResponse r = post("promote", "");

        assertThat(body(r).get("resumedRollout").asBoolean()).as(r.body()).isTrue();
        assertThat(sfn.completed("token-7")).isPresent();
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).waitingTaskToken()).isEmpty();

        store.park(PODINFO, GateType.CONFIRM_PROMOTION, "token-8", T0);
        sfn.parkToken("token-8");
        HttpResponse abort = post("abort", "{\"reason\":\"wrong build\"}");
        assertThat(body(abort).get("status").asText()).as(abort.body()).isEqualTo("requested");
        assertThat(body(abort).get("resumedRollout").asBoolean()).isTrue();
        assertThat(run().control()).contains(RunControl.ABORT);
        assertThat(store.events(PODINFO, 1, Optional.empty()).items().getFirst().message())
                .isEqualTo("Abort of podinfo.test requested by " + ALICE + ": wrong build");
    }

    @Test
    void resumeCompletesThePausedRunsTokenAtOnce() throws Exception {
        running(CanaryPhase.PROGRESSING);
        assertThat(body(post("pause", "")).get("resumedRollout").asBoolean()).isFalse();
        assertThat(body(post("pause", "")).get("status").asText()).isEqualTo("alreadyRequested");
        assertThat(store.parkPaused(PODINFO, "run-1", "token-p", T0)).isTrue();
        sfn.parkToken("token-p");
        assertThat(body(get("/canaries/test/podinfo/runs", Map.of())).at("/runs/0/pausedSince").asText()).isEqualTo(T0.toString());
        assertThat(body(get("/canaries/test/podinfo/runs", Map.of())).at("/runs/0/control").asText()).isEqualTo("pause");
        JsonNode canary = body(get("/canaries/test/podinfo", Map.of()));
        assertThat(canary.at("/activeRun/control").asText()).isEqualTo("pause");
        assertThat(canary.at("/activeRun/pausedSince").asText()).isEqualTo(T0.toString());

        HttpResponse resumed = post("resume", "{\"reason\":\"done looking\"}");

        assertThat(body(resumed).get("status").asText()).as(resumed.body()).isEqualTo("requested");
        assertThat(body(resumed).get("resumedRollout").asBoolean()).isTrue();
        assertThat(sfn.completed("token-p")).isPresent();
        assertThat(run().control()).isEmpty();
        assertThat(body(post("resume", "")).get("status").asText()).isEqualTo("alreadyRequested");
        assertThat(run().operations()).extracting(RunOperation::operation).containsExactly(Operation.PAUSE, Operation.RESUME);
    }

    @Test
    void operationsNotAllowedAnswer409NamingWhyAndThePhase() throws Exception {
        assertNotAllowed(post("promote", ""), "cannot promote test/podinfo: no rollout is running (phase Initializing)");
        assertNotAllowed(post("resume", ""), "cannot resume test/podinfo: no rollout is running (phase Initializing)");
        running(CanaryPhase.WAITING);
        assertNotAllowed(post("promote", ""), "cannot promote test/podinfo: the rollout waits for confirm-rollout "
                + "(phase Waiting): open that gate to start it, then promote");
        assertNotAllowed(post("pause", ""),
                "cannot pause test/podinfo: the rollout waits for confirm-rollout (phase Waiting): nothing to pause");
        assertNotAllowed(post("resume", ""), "cannot resume test/podinfo: the rollout is not paused (phase Waiting)");
        store.saveStatus(PODINFO, new CanaryStatus(CanaryPhase.PROMOTING, 0, 0, 0, "rev-1", T0.plusSeconds(90), List.of()), 1);
        assertNotAllowed(post("abort", ""), "cannot abort test/podinfo: the promotion has begun (phase Promoting)");
        assertThat(run().operations()).isEmpty();
        assertThat(sfn.calls()).doesNotContain("SendTaskSuccess");
    }

    @Test
    void theReasonIsOptionalButBoundedAndAString() throws Exception {
        running(CanaryPhase.PROGRESSING);
        HttpResponse tooLong = post("pause", "{\"reason\":\"" + "x".repeat(1001) + "\"}");
        assertProblem(tooLong, 400);
        assertThat(body(tooLong).get("detail").asText()).isEqualTo("reason: at most 1000 characters, not 1001");
        HttpResponse number = post("pause", "{\"reason\":7}");
        assertProblem(number, 400);
        assertThat(body(number).get("detail").asText()).startsWith("reason: a string");
        assertProblem(post("pause", "not json"), 400);
        assertProblem(api.handle(HttpRequest.of("POST", "/canaries/test/podinfo/pause", YAML, "reason: x")), 415);
        assertProblem(api.handle(HttpRequest.of("GET", "/canaries/test/podinfo/pause", Map.of(), "")), 405);
        assertProblem(api.handle(HttpRequest.of("POST", "/canaries/test/nope/pause", JSON_TYPE, "")), 404);
        assertThat(run().operations()).isEmpty();
        assertThat(post("pause", "{\"reason\":\"" + "x".repeat(1000) + "\"}").status()).isEqualTo(200);
    }

    @Test
    void aClusterCanaryTakesOperationsAsItTakesGateOpens() throws Exception {
        store.putSpec(PODINFO, PODINFO_YAML, SpecOrigin.CLUSTER);
        running(CanaryPhase.PROGRESSING);

        assertThat(post("pause", "").status()).isEqualTo(200);
        assertThat(run().control()).contains(RunControl.PAUSED);
    }

    @Test
    void retryStartsANewRunOfTheFailedRevisionUnderItsOwnName() throws Exception {
        assertNotAllowed(post("retry", ""), "cannot retry test/podinfo: the canary has no previous rollout to retry");
        running(CanaryPhase.PROGRESSING);
        assertNotAllowed(post("retry", ""),
                "cannot retry test/podinfo: a rollout is running (run run-1): abort it first, or wait for it to end");
        store.finishRun(PODINFO, "run-1", RunResult.FAILED, T0.plusSeconds(120));

        HttpResponse r = post("retry", "{\"reason\":\"flaky env\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String name = ExecutionNames.retry(PODINFO, "rev-1", 1);
        JsonNode b = body(r);
        assertThat(b.get("status").asText()).isEqualTo("started");
        assertThat(b.get("runId").asText()).isEqualTo(name);
        assertThat(b.get("executionId").asText()).isEqualTo(FakeStepFunctions.STATE_MACHINE_ARN
                .replace(":stateMachine:", ":execution:") + ":" + name);
        assertThat(b.get("revision").asText()).isEqualTo("rev-1");
        assertThat(b.get("retryOf").asText()).isEqualTo("run-1");
        var started = sfn.executions().getLast();
        assertThat(started.name()).isEqualTo(name);
        JsonNode input = json.readTree(started.input());
        assertThat(input.get("runId").asText()).isEqualTo(name);
        assertThat(input.get("revision").asText()).isEqualTo("rev-1");
        assertThat(input.get("intervalSeconds").asInt()).isEqualTo(30);
        Run retry = store.run(PODINFO, name).orElseThrow();
        assertThat(retry.retryOf()).contains("run-1");
        assertThat(retry.operations()).singleElement().satisfies(o -> assertThat(o.who()).isEqualTo(ALICE));
        assertThat(store.activeRun(PODINFO).orElseThrow().runId()).isEqualTo(name);

        // the same retry again while it runs: the same run, nothing started
        HttpResponse again = post("retry", "");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(body(again).get("status").asText()).isEqualTo("alreadyRequested");
        assertThat(body(again).get("runId").asText()).isEqualTo(name);
        assertThat(body(again).get("retryOf").asText()).isEqualTo("run-1");
        assertThat(sfn.executions()).filteredOn(e -> e.name().equals(name)).hasSize(1);
        store.finishRun(PODINFO, name, RunResult.SUCCEEDED, T0.plusSeconds(300));
        assertNotAllowed(post("retry", ""), "cannot retry test/podinfo: the last rollout (run " + name
                + ", revision rev-1) ended Succeeded, not Failed: only a failed rollout is retried");
    }

    @Test
    void theSecondRetryOfARevisionHasTheNextAttempt() throws Exception {
        running(CanaryPhase.PROGRESSING);
        store.finishRun(PODINFO, "run-1", RunResult.FAILED, T0.plusSeconds(120));
        String first = body(post("retry", "")).get("runId").asText();
        store.finishRun(PODINFO, first, RunResult.FAILED, Instant.now());

        HttpResponse second = post("retry", "");

        assertThat(body(second).get("runId").asText()).as(second.body()).isEqualTo(ExecutionNames.retry(PODINFO, "rev-1", 2));
        assertThat(body(second).get("retryOf").asText()).isEqualTo(first);
    }

    @Test
    void theRunHistoryShowsResultsApprovalsAndOperationsNewestFirst() throws Exception {
        running(CanaryPhase.PROGRESSING);
        api.handle(new HttpRequest("POST", "/canaries/test/podinfo/gates/confirm-traffic-increase/open", JSON_TYPE, Map.of(),
                "{\"reason\":\"step up\"}".getBytes(StandardCharsets.UTF_8), Optional.of(ALICE)));
        post("abort", "{\"reason\":\"no\"}");
        store.finishRun(PODINFO, "run-1", RunResult.FAILED, T0.plusSeconds(600));
        store.claimRun(PODINFO, "run-2", "rev-2", T0.plusSeconds(700));

        HttpResponse r = get("/canaries/test/podinfo/runs", Map.of("limit", "1"));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode page = body(r);
        assertThat(page.at("/runs/0/runId").asText()).isEqualTo("run-2");
        assertThat(page.at("/runs/0/result").asText()).isEqualTo("Running");
        assertThat(page.at("/runs/0/endedAt").isNull()).isTrue();
        assertThat(page.at("/runs/0/executionArn").asText()).endsWith(":execution:flagstep-canary:run-2");
        JsonNode older = body(get("/canaries/test/podinfo/runs", Map.of("cursor", page.get("next").asText())));
        assertThat(older.has("next")).isFalse();
        JsonNode run = older.at("/runs/0");
        assertThat(run.get("runId").asText()).isEqualTo("run-1");
        assertThat(run.get("revision").asText()).isEqualTo("rev-1");
        assertThat(run.get("startedAt").asText()).isEqualTo(T0.toString());
        assertThat(run.get("endedAt").asText()).isEqualTo(T0.plusSeconds(600).toString());
        assertThat(run.get("result").asText()).isEqualTo("Failed");
        assertThat(run.get("durationSeconds").asLong()).isEqualTo(600);
        assertThat(run.at("/approvals/0/gate").asText()).isEqualTo("confirm-traffic-increase");
        assertThat(run.at("/approvals/0/who").asText()).isEqualTo(ALICE);
        assertThat(run.at("/approvals/0/why").asText()).isEqualTo("step up");
        assertThat(run.at("/operations/0/operation").asText()).isEqualTo("abort");
        assertThat(run.at("/operations/0/reason").asText()).isEqualTo("no");
        assertProblem(get("/canaries/test/podinfo/runs", Map.of("cursor", "bogus")), 400);
        assertProblem(get("/canaries/test/podinfo/runs", Map.of("limit", "0")), 400);
        assertProblem(get("/canaries/test/nope/runs", Map.of()), 404);
    }

    @Test
    void theEventsRoutePagesNewestFirstAndFiltersByRun() throws Exception {
        running(CanaryPhase.PROGRESSING);
        post("pause", "{\"reason\":\"one\"}");
        post("resume", "{\"reason\":\"two\"}");
        store.finishRun(PODINFO, "run-1", RunResult.FAILED, T0.plusSeconds(600));
        store.claimRun(PODINFO, "run-2", "rev-2", T0.plusSeconds(700));
        post("pause", "{\"reason\":\"three\"}");

        JsonNode first = body(get("/canaries/test/podinfo/events", Map.of("limit", "2")));
        assertThat(first.get("events")).extracting(e -> e.get("message").asText()).containsExactly(
                "Pause of podinfo.test requested by " + ALICE + ": three",
                "Resume of podinfo.test requested by " + ALICE + ": two");
        JsonNode rest = body(get("/canaries/test/podinfo/events", Map.of("limit", "2", "cursor", first.get("next").asText())));
        assertThat(rest.get("events")).extracting(e -> e.get("message").asText())
                .containsExactly("Pause of podinfo.test requested by " + ALICE + ": one");
        JsonNode ofRun1 = body(get("/canaries/test/podinfo/events", Map.of("runId", "run-1", "limit", "1")));
        assertThat(ofRun1.get("events")).extracting(e -> e.get("runId").asText()).containsExactly("run-1");
        assertThat(ofRun1.get("events")).extracting(e -> e.get("message").asText())
                .containsExactly("Resume of podinfo.test requested by " + ALICE + ": two");
        assertProblem(get("/canaries/test/podinfo/events", Map.of("limit", "101")), 400);
    }
}

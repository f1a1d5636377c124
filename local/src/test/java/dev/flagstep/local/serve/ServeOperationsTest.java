package dev.flagstep.local.serve;

import static dev.flagstep.local.serve.ServeHarness.eventually;
import static dev.flagstep.local.serve.ServeHarness.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.e2e.TokenWaits;
import dev.flagstep.spec.CanaryId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manual operations end to end through {@code flagstep serve}'s HTTP API (docs/api.md, "Operate a rollout"):
 * promote, abort, pause and resume in the middle of an analysis, retry after a failed run, and a 409 for each
 * operation where it is not allowed. An operation is sent from inside the phase invocation of a chosen analysis tick
 * (counted by the payload's {@code tick}, never by deliveries or by time), so it always meets the rollout at the same
 * point; the tick then acts on it, as a later one would.
 */
class ServeOperationsTest {

    private static final String PRIMARY_IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.1";
    /** Per canary: the distinct Analysis ticks so far. */
    private static final Map<String, Set<String>> ANALYSES = new ConcurrentHashMap<>();
    /** Per canary: what to do at the n-th Analysis tick (1-based), run inside that invocation before the phase. */
    private static final Map<String, Map<Integer, Consumer<String>>> AT_TICK = new ConcurrentHashMap<>();

    /** Per canary: what to do inside the first Promote invocation (the status then says Promoting). */
    private static final Map<String, Consumer<String>> AT_PROMOTE = new ConcurrentHashMap<>();

    static ServeHarness h;
    static Http http;

    @BeforeAll
    static void start() {
        h = ServeHarness.start((function, payload) -> {
            String name = payload.path("canary").path("name").asText();
            if (function.equals("Promote")) {
                Optional.ofNullable(AT_PROMOTE.remove(name)).ifPresent(action -> action.accept(name));
            }
            // WaitForResume invokes the Analysis function too, to park: only the ticks of the Analysis state count
            if (function.equals("Analysis") && payload.path("tick").asText().startsWith("Analysis@")
                    && ANALYSES.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet()).add(payload.path("tick").asText())) {
                Consumer<String> action = AT_TICK.getOrDefault(name, Map.of()).get(ANALYSES.get(name).size());
                if (action != null) {
                    action.accept(name);
                }
            }
        });
        http = h.http;
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** interval 1m (0.6 s here), weights 10..50: six analysis ticks before the promotion. */
    private static void canary(String name) {
        h.bootstrap("serve", name, ServeHarness.canary(name, """
                    interval: 1m
                    threshold: 2
                    stepWeight: 10
                    maxWeight: 50
                    webhooks:
                      - name: post
                        type: post-rollout
                        url: %s
                """.formatted(h.receiver.url("/" + name + "/post"))));
    }

    private static String path(String name) {
        return "/canaries/serve/" + name;
    }

    private static Http.Reply operate(String name, String operation, String reason) {
        return http.postJson(path(name) + "/" + operation, "{\"reason\":\"" + reason + "\"}");
    }

    private static Http.Reply rollout(String name) {
        Http.Reply r = http.postJson(path(name) + "/rollouts", "{\"revision\":\"6.7.1\"}");
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        return r;
    }

    private static JsonNode awaitPhase(String name, String phase) {
        return eventually(Duration.ofSeconds(60), () -> {
            JsonNode c = http.get(path(name)).json();
            assertThat(c.at("/status/phase").asText()).as("events: %s; task failures: %s", messages(c), h.failures)
                    .isEqualTo(phase);
            assertThat(c.path("activeRun").isNull()).as("run released").isTrue();
            return c;
        });
    }

    private static List<String> messages(JsonNode canary) {
        List<String> out = new ArrayList<>();
        canary.path("events").forEach(e -> out.add(e.path("message").asText()));
        return out;
    }

    /** Every event of the canary, newest first, through GET .../events. */
    private static List<String> allEvents(String name) {
        List<String> out = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = http.get(path(name) + "/events?limit=100" + (cursor.isEmpty() ? "" : "&cursor=" + cursor)).json();
            page.path("events").forEach(e -> out.add(e.path("message").asText()));
            cursor = page.path("next").asText("");
        } while (!cursor.isEmpty());
        return out;
    }

    private static void assertNotAllowed(Http.Reply r, String... detail) {
        assertThat(r.status()).as("%s", r).isEqualTo(409);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.json().path("type").asText()).isEqualTo("https://flagstep.dev/problems/operation-not-allowed");
        assertThat(r.json().path("title").asText()).isEqualTo("Operation not allowed");
        assertThat(r.json().path("detail").asText()).contains(detail);
    }

    private static String image(String deployment) {
        return h.sim.object(ResourceKind.DEPLOYMENT, "serve", deployment).orElseThrow()
                .at("/spec/template/spec/containers/0/image").asText();
    }

    @Test
    void promoteInTheMiddleOfTheAnalysisPromotesAtOnceAndRecordsWho() {
        canary("op-promote");
        List<Http.Reply> answers = new ArrayList<>();
        AT_TICK.put("op-promote", Map.of(2, n -> {
            answers.add(operate(n, "promote", "looks good"));
            answers.add(operate(n, "promote", "again"));
        }));
        String runId = rollout("op-promote").json().path("runId").asText();

        JsonNode c = awaitPhase("op-promote", "Succeeded");

        assertThat(answers.get(0).status()).as("%s", answers.get(0)).isEqualTo(200);
        assertThat(answers.get(0).json().path("status").asText()).isEqualTo("requested");
        assertThat(answers.get(0).json().path("operation").asText()).isEqualTo("promote");
        assertThat(answers.get(0).json().path("runId").asText()).isEqualTo(runId);
        assertThat(answers.get(1).json().path("status").asText()).isEqualTo("alreadyRequested");
        assertThat(image("op-promote-primary")).isEqualTo(PRIMARY_IMAGE);
        assertThat(c.at("/status/canaryWeight").asInt()).isZero();
        assertThat(allEvents("op-promote")).containsSubsequence(
                "Promotion completed! Canary analysis was skipped for op-promote.serve",
                "Copying op-promote.serve template spec to op-promote-primary.serve",
                "Skipping the rest of the analysis of op-promote.serve: promotion requested by local",
                "Promotion of op-promote.serve requested by local: looks good",
                "Advance op-promote.serve canary weight 10");
        // the weight never went past the first step's 20: the analysis stopped there
        assertThat(allEvents("op-promote")).noneMatch(m -> m.contains("canary weight 30"));
        assertThat(h.receiver.requests("/op-promote/post")).hasSize(1);

        JsonNode run = http.get(path("op-promote") + "/runs").json().path("runs").get(0);
        assertThat(run.path("runId").asText()).isEqualTo(runId);
        assertThat(run.path("result").asText()).isEqualTo("Succeeded");
        assertThat(run.path("operations")).hasSize(1);
        assertThat(run.at("/operations/0/operation").asText()).isEqualTo("promote");
        assertThat(run.at("/operations/0/who").asText()).isEqualTo("local");
        assertThat(run.at("/operations/0/reason").asText()).isEqualTo("looks good");
        assertThat(run.at("/approvals/0/gate").asText()).isEqualTo("confirm-promotion");
        assertThat(run.at("/approvals/0/who").asText()).isEqualTo("local");

        // the run is over: every operation but retry is refused
        assertNotAllowed(operate("op-promote", "promote", ""), "no rollout is running", "Succeeded");
        assertNotAllowed(operate("op-promote", "abort", ""), "no rollout is running");
        assertNotAllowed(operate("op-promote", "pause", ""), "no rollout is running");
        assertNotAllowed(operate("op-promote", "resume", ""), "no rollout is running");
        assertNotAllowed(operate("op-promote", "retry", ""), "ended Succeeded, not Failed");
    }

    @Test
    void abortInTheMiddleOfTheAnalysisRollsBackWithThePostRolloutHooks() {
        canary("op-abort");
        List<Http.Reply> answers = new ArrayList<>();
        AT_TICK.put("op-abort", Map.of(3, n -> {
            answers.add(operate(n, "abort", "bad latency"));
            answers.add(operate(n, "abort", "again"));
            answers.add(operate(n, "promote", "too late"));
            answers.add(operate(n, "pause", "too late"));
        }));
        String runId = rollout("op-abort").json().path("runId").asText();

        JsonNode c = awaitPhase("op-abort", "Failed");

        assertThat(answers.get(0).json().path("status").asText()).as("%s", answers.get(0)).isEqualTo("requested");
        assertThat(answers.get(1).json().path("status").asText()).isEqualTo("alreadyRequested");
        assertNotAllowed(answers.get(2), "an abort was requested", "Progressing");
        assertNotAllowed(answers.get(3), "an abort was requested");
        assertThat(c.at("/status/canaryWeight").asInt()).isZero();
        assertThat(image("op-abort-primary")).isEqualTo("ghcr.io/stefanprodan/podinfo:6.7.0");
        assertThat(h.sim.object(ResourceKind.DEPLOYMENT, "serve", "op-abort").orElseThrow().at("/spec/replicas").asInt())
                .isZero();
        var post = h.receiver.requests("/op-abort/post");
        assertThat(post).hasSize(1);
        assertThat(new String(post.getFirst().body(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"phase\":\"Failed\"");
        assertThat(allEvents("op-abort")).containsSubsequence(
                "Canary failed! Scaling down op-abort.serve",
                "Rolling back op-abort.serve abort requested by local: bad latency",
                "Abort of op-abort.serve requested by local: bad latency");
        // the third analysis tick (weight 30) rolled back: the analysis went no further
        assertThat(allEvents("op-abort")).contains("Advance op-abort.serve canary weight 30")
                .noneMatch(m -> m.contains("canary weight 40"));
        JsonNode run = http.get(path("op-abort") + "/runs").json().path("runs").get(0);
        assertThat(run.path("runId").asText()).isEqualTo(runId);
        assertThat(run.path("result").asText()).isEqualTo("Failed");
        assertThat(run.at("/operations/0/operation").asText()).isEqualTo("abort");
        assertThat(run.path("operations")).hasSize(1);
    }

    @Test
    void pauseHoldsTheWeightWithNoChecksUntilResumeContinuesAtOnce() throws Exception {
        canary("op-pause");
        List<Http.Reply> answers = new ArrayList<>();
        AT_TICK.put("op-pause", Map.of(2, n -> answers.add(operate(n, "pause", "investigating"))));
        String runId = rollout("op-pause").json().path("runId").asText();

        Execution execution = eventually(Duration.ofSeconds(30), () -> {
            Execution e = h.executions.get(runId);
            assertThat(e).isNotNull();
            assertThat(e.history()).anyMatch(ev -> ev.type() == HistoryEvent.Type.TASK_SUBMITTED
                    && ev.state().equals(java.util.Optional.of("WaitForResume")));
            return e;
        });
        assertThat(answers.getFirst().json().path("status").asText()).as("%s", answers.getFirst()).isEqualTo("requested");
        assertThat(answers.getFirst().json().path("resumedRollout").asBoolean()).isFalse();
        JsonNode paused = http.get(path("op-pause")).json();
        int weight = paused.at("/status/canaryWeight").asInt();
        int ticks = ANALYSES.get("op-pause").size();
        // three intervals (3 minutes) of the runtime's clock pass while paused
        Instant resumeAfter = h.serve.runtime().clock().instant().plus(Duration.ofMinutes(3));
        until(Duration.ofSeconds(30), () -> assertThat(h.serve.runtime().clock().instant()).isAfter(resumeAfter));
        JsonNode held = http.get(path("op-pause")).json();
        assertThat(held.at("/status/canaryWeight").asInt()).isEqualTo(weight).isEqualTo(20);
        assertThat(held.at("/status/failedChecks").asInt()).isZero();
        assertThat(held.at("/status/phase").asText()).isEqualTo("Progressing");
        assertThat(ANALYSES.get("op-pause")).hasSize(ticks);

        assertThat(operate("op-pause", "pause", "").json().path("status").asText()).isEqualTo("alreadyRequested");
        Http.Reply resumed = operate("op-pause", "resume", "fixed");
        assertThat(resumed.status()).as("%s", resumed).isEqualTo(200);
        assertThat(resumed.json().path("status").asText()).isEqualTo("requested");
        assertThat(resumed.json().path("resumedRollout").asBoolean()).isTrue();
        assertThat(operate("op-pause", "resume", "").json().path("status").asText()).isEqualTo("alreadyRequested");

        awaitPhase("op-pause", "Succeeded");
        // the parked wait ended by its token (the resume), not by its hour
        assertThat(TokenWaits.endings(execution, "WaitForResume")).containsExactly(HistoryEvent.Type.TASK_SUCCEEDED);
        assertThat(image("op-pause-primary")).isEqualTo(PRIMARY_IMAGE);
        assertThat(allEvents("op-pause")).containsSubsequence(
                "Advance op-pause.serve canary weight 30",
                "Resume of op-pause.serve requested by local: fixed",
                "Pause of op-pause.serve requested by local: investigating",
                "Advance op-pause.serve canary weight 20");
        JsonNode run = http.get(path("op-pause") + "/runs").json().path("runs").get(0);
        assertThat(run.path("operations")).extracting(o -> o.path("operation").asText()).containsExactly("pause", "resume");
        assertNotAllowed(operate("op-pause", "resume", ""), "no rollout is running");
    }

    @Test
    void retryAfterAFailedRunAnalysesTheSameRevisionAgainAndCanPromote() {
        canary("op-retry");
        assertNotAllowed(operate("op-retry", "retry", ""), "ended Succeeded");
        List<Http.Reply> answers = new ArrayList<>();
        AT_TICK.put("op-retry", Map.of(
                1, n -> answers.add(operate(n, "abort", "")),
                // the retry's first analysis tick (the aborted run had one): the same retry again
                2, n -> answers.add(operate(n, "retry", ""))));
        String failedRun = rollout("op-retry").json().path("runId").asText();
        awaitPhase("op-retry", "Failed");
        // the same revision through .../rollouts starts nothing: it was analysed
        assertThat(http.postJson(path("op-retry") + "/rollouts", "{\"revision\":\"6.7.1\"}").json().path("status").asText())
                .isEqualTo("alreadyStarted");

        Http.Reply retry = operate("op-retry", "retry", "flaky test env");

        assertThat(retry.status()).as("%s", retry).isEqualTo(201);
        String retryRun = ExecutionNames.retry(new CanaryId("serve", "op-retry"), "6.7.1", 1);
        assertThat(retry.json().path("status").asText()).isEqualTo("started");
        assertThat(retry.json().path("runId").asText()).isEqualTo(retryRun);
        assertThat(retry.json().path("executionId").asText()).endsWith(":" + retryRun);
        assertThat(retry.json().path("revision").asText()).isEqualTo("6.7.1");
        assertThat(retry.json().path("retryOf").asText()).isEqualTo(failedRun);
        awaitPhase("op-retry", "Succeeded");
        assertThat(answers.get(1).status()).as("%s", answers.get(1)).isEqualTo(200);
        assertThat(answers.get(1).json().path("status").asText()).isEqualTo("alreadyRequested");
        assertThat(answers.get(1).json().path("runId").asText()).isEqualTo(retryRun);
        assertThat(image("op-retry-primary")).isEqualTo(PRIMARY_IMAGE);
        JsonNode runs = http.get(path("op-retry") + "/runs").json().path("runs");
        assertThat(runs.get(0).path("runId").asText()).isEqualTo(retryRun);
        assertThat(runs.get(0).path("result").asText()).isEqualTo("Succeeded");
        assertThat(runs.get(0).path("retryOf").asText()).isEqualTo(failedRun);
        assertThat(runs.get(0).at("/operations/0/operation").asText()).isEqualTo("retry");
        assertThat(runs.get(0).at("/operations/0/reason").asText()).isEqualTo("flaky test env");
        assertThat(runs.get(1).path("runId").asText()).isEqualTo(failedRun);
        assertThat(runs.get(1).path("result").asText()).isEqualTo("Failed");
        assertThat(allEvents("op-retry")).contains("Retry of op-retry.serve requested by local: flaky test env");
        // the retried revision is promoted now: nothing to retry
        assertNotAllowed(operate("op-retry", "retry", ""), "ended Succeeded");
    }

    @Test
    void atConfirmRolloutOnlyAbortIsAllowedAndItWakesTheParkedRollout() {
        String yaml = h.gatedCanary("serve", "op-waiting");
        h.bootstrap("serve", "op-waiting", yaml);
        rollout("op-waiting");
        until(Duration.ofSeconds(30), () -> assertThat(http.get(path("op-waiting") + "/gates").json()
                .at("/gates/loadtester/rolloutWaiting").asBoolean()).isTrue());

        assertNotAllowed(operate("op-waiting", "promote", ""), "waits for confirm-rollout", "Waiting");
        assertNotAllowed(operate("op-waiting", "pause", ""), "Waiting");
        assertNotAllowed(operate("op-waiting", "resume", ""), "not paused");
        assertNotAllowed(operate("op-waiting", "retry", ""), "a rollout is running");
        Http.Reply abort = operate("op-waiting", "abort", "wrong build");

        assertThat(abort.status()).as("%s", abort).isEqualTo(200);
        assertThat(abort.json().path("resumedRollout").asBoolean()).isTrue();
        awaitPhase("op-waiting", "Failed");
        assertThat(allEvents("op-waiting")).contains("Rolling back op-waiting.serve abort requested by local: wrong build");
    }

    @Test
    void atWaitingPromotionAPauseParksAndAPromoteCompletesItsTokenWithoutTheGate() {
        // confirm-promotion is this server's loadtester gate, never opened: the promote is the approval
        h.bootstrap("serve", "op-gated", ServeHarness.canary("op-gated", """
                    interval: 10m
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    webhooks:
                      - name: approval
                        type: confirm-promotion
                        url: %s
                """.formatted(h.url() + "/gate/check")));
        rollout("op-gated");
        until(Duration.ofSeconds(60), () -> assertThat(http.get(path("op-gated")).json().at("/status/phase").asText())
                .isEqualTo("WaitingPromotion"));

        Http.Reply pause = operate("op-gated", "pause", "hold on");
        assertThat(pause.json().path("status").asText()).as("%s", pause).isEqualTo("requested");
        // the analysis keeps running while the gate is closed: its next tick reads the pause and parks the run
        eventually(Duration.ofSeconds(60), () -> {
            JsonNode run = http.get(path("op-gated") + "/runs").json().at("/runs/0");
            assertThat(run.path("pausedSince").isTextual()).as("parked: %s", run).isTrue();
            return run;
        });
        Http.Reply promote = operate("op-gated", "promote", "ship it");

        assertThat(promote.json().path("status").asText()).as("%s", promote).isEqualTo("requested");
        assertThat(promote.json().path("resumedRollout").asBoolean()).isTrue();
        assertNotAllowed(operate("op-gated", "resume", ""), "resume");
        awaitPhase("op-gated", "Succeeded");
        assertThat(image("op-gated-primary")).isEqualTo(PRIMARY_IMAGE);
        JsonNode run = http.get(path("op-gated") + "/runs").json().at("/runs/0");
        assertThat(run.path("operations")).extracting(o -> o.path("operation").asText()).containsExactly("pause", "promote");
        assertThat(run.path("approvals")).extracting(a -> a.path("gate").asText() + " " + a.path("who").asText())
                .containsExactly("confirm-promotion local");
        assertThat(allEvents("op-gated")).contains("Promotion completed! Canary analysis was skipped for op-gated.serve");
    }

    @Test
    void onceThePromotionBeganEveryOperationIsRefused() {
        canary("op-promoting");
        List<Http.Reply> answers = new ArrayList<>();
        AT_PROMOTE.put("op-promoting", n -> {
            answers.add(operate(n, "abort", ""));
            answers.add(operate(n, "promote", ""));
            answers.add(operate(n, "pause", ""));
            answers.add(operate(n, "resume", ""));
            answers.add(operate(n, "retry", ""));
        });
        rollout("op-promoting");

        awaitPhase("op-promoting", "Succeeded");
        assertNotAllowed(answers.get(0), "cannot abort serve/op-promoting: the promotion has begun (phase Promoting)");
        assertNotAllowed(answers.get(1), "the promotion has begun (phase Promoting)");
        assertNotAllowed(answers.get(2), "the promotion has begun (phase Promoting)");
        assertNotAllowed(answers.get(3), "the rollout is not paused (phase Promoting)");
        assertNotAllowed(answers.get(4), "a rollout is running");
        assertThat(http.get(path("op-promoting") + "/runs").json().at("/runs/0/operations")).isEmpty();
    }

    @Test
    void badRequestsNameTheFieldAndUnknownCanariesAre404() {
        canary("op-bad");
        Http.Reply tooLong = operate("op-bad", "pause", "x".repeat(1001));
        assertThat(tooLong.status()).as("%s", tooLong).isEqualTo(400);
        assertThat(tooLong.json().path("detail").asText()).startsWith("reason:");
        Http.Reply notText = http.postJson(path("op-bad") + "/pause", "{\"reason\":5}");
        assertThat(notText.status()).isEqualTo(400);
        assertThat(notText.json().path("detail").asText()).startsWith("reason:");
        assertThat(http.postJson("/canaries/serve/nope/promote", "{}").status()).isEqualTo(404);
        assertThat(http.get(path("op-bad") + "/promote").status()).isEqualTo(405);
    }
}

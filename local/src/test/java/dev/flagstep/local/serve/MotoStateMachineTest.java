package dev.flagstep.local.serve;

import static dev.flagstep.local.serve.ServeHarness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.StepFunctions;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.gate.SfnTaskTokens;
import dev.flagstep.phases.TransientFault;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.testing.MotoServer;
import dev.flagstep.spec.CanaryId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The real statemachine/canary.asl.json executed by an interpreter nobody on the project wrote (moto's port of
 * LocalStack's), its Lambda tasks answered by the project's phase handlers through {@code flagstep serve}'s Lambda
 * Invoke API, over the simulated cluster and DynamoDB Local. Each scenario runs twice, one canary on moto and an
 * identical one on the project's own interpreter, and the paths (the states entered, from GetExecutionHistory and
 * from the local history) must be equal.
 *
 * <p>Harness workarounds for moto's gaps (docs/deploy.md, "The state machine on moto"): moto waits in real time,
 * so its launcher divides Wait states and task timeouts by the runtime's speed; moto's {@code states:startExecution}
 * task (the ContinueAsNew hand-over) is mended by the launcher; a crash is one invocation the
 * {@link CrashingInvokeProxy} in front of the Invoke API answers with a function error.
 */
class MotoStateMachineTest {

    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Za-z0-9]+)}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = "us-east-1";
    private static final String ACCOUNT = "123456789012";
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** Two analysis steps (20, 40), then promotion: every phase runs. */
    private static final String TWO_STEPS = """
                interval: 10s
                threshold: 2
                stepWeight: 20
                maxWeight: 40
            """;

    static ServeHarness h;
    static MotoServer moto;
    static Rig main;
    /** Started by the continue-as-new scenario: a runtime whose executions hand over every few ticks, its own moto. */
    static Rig handingOver;
    static volatile StepFunctions motoStepFunctions;
    /** moto's Lambda endpoint: the served Lambda Invoke API, but for the one invocation a test crashes. */
    static CrashingInvokeProxy lambda;
    /** Canaries whose first Analysis of revision {@value #CRASHING_REVISION} the project's interpreter fails, and how. */
    static final Map<String, RuntimeException> CRASH_LOCALLY = new ConcurrentHashMap<>();
    static final String CRASHING_REVISION = "6.7.2";
    /** A handler's exception no Retry of the ASL names: only the Catch (States.ALL, into Rollback) takes it. */
    static final String CRASH = IllegalStateException.class.getName();
    /** The phases' transient fault, which the ASL's Retry names. */
    static final String TRANSIENT = TransientFault.class.getName();

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(MotoServer.available(), () -> "skipped: the state machine on moto needs moto: "
                + MotoServer.unavailable().orElse(""));
        // the served runtime's task tokens are its own interpreter's; moto's go to moto's SendTaskSuccess, as on AWS
        h = ServeHarness.start(new SfnTaskTokens(() -> motoStepFunctions), (function, payload) -> {
            if (function.equals("Analysis") && payload.path("revision").asText().equals(CRASHING_REVISION)) {
                RuntimeException crash = CRASH_LOCALLY.remove(payload.at("/canary/name").asText());
                if (crash != null) {
                    throw crash;
                }
            }
        });
        h.sim.reconcileOnEveryWrite(true);
        lambda = CrashingInvokeProxy.start(h.url());
        moto = MotoServer.start(Optional.of(lambda.url()), ServeHarness.SPEED);
        motoStepFunctions = new StepFunctions(new AwsJsonClient(AwsService.STEP_FUNCTIONS, AwsSettings.of(REGION,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("ak", "sk"))), moto.endpoint()));
        main = Rig.on(h, moto);
    }

    /** A served runtime, the moto server whose Lambda tasks it answers, and the state machine created there. */
    record Rig(ServeHarness h, MotoServer moto, SfnClient sfn, String machineArn) implements AutoCloseable {

        static Rig on(ServeHarness h, MotoServer moto) {
            SfnClient sfn = SfnClient.builder().endpointOverride(moto.endpoint()).region(Region.of(REGION))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("ak", "sk")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
            String definition;
            try {
                definition = definition();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            String machineArn = sfn.createStateMachine(b -> b.name("flagstep-canary").definition(definition)
                    .roleArn("arn:aws:iam::" + ACCOUNT + ":role/flagstep-canary-state-machine")).stateMachineArn();
            return new Rig(h, moto, sfn, machineArn);
        }

        @Override
        public void close() {
            sfn.close();
        }
    }

    @AfterAll
    static void stop() {
        if (main != null) {
            main.close();
        }
        if (handingOver != null) {
            handingOver.close();
            handingOver.moto().close();
            handingOver.h().close();
        }
        if (moto != null) {
            moto.close();
        }
        if (lambda != null) {
            lambda.close();
        }
        if (h != null) {
            h.close();
        }
    }

    @Test
    void aPromotionTakesTheSamePathOnMoto() {

        Trail onMoto = onMoto("moto-promote", TWO_STEPS, "6.7.1", "SUCCEEDED");
        Trail local = locally("local-promote", TWO_STEPS, "6.7.1", "SUCCEEDED");

        assertThat(onMoto.path()).as("moto's path").contains("Succeeded").noneMatch(state -> state.startsWith("Rollback"));
        assertSameRun(onMoto, local);
    }

    @Test
    void aFailingRolloutHookRollsBackOnTheSamePathOnMoto() {
        // nothing listens on port 1: each check fails, the second one (threshold 2) rolls back
        String analysis = """
                    interval: 10s
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 40
                    webhooks:
                      - name: smoke
                        type: rollout
                        url: http://127.0.0.1:1/smoke
                """;

        Trail onMoto = onMoto("moto-rollback", analysis, "6.7.1", "FAILED");
        Trail local = locally("local-rollback", analysis, "6.7.1", "FAILED");

        assertThat(onMoto.path()).as("moto's path").contains("Rollback=rolledBack", "RolloutFailed");
        assertSameRun(onMoto, local);
    }

    @Test
    void aCrashedAnalysisIsCaughtIntoRollbackOnTheSamePathOnMoto() {
        // the first Analysis of the rollout fails as a Lambda function error: on moto its invocation is answered
        // with X-Amz-Function-Error: Unhandled, on the project's interpreter the handler throws
        failFirstAnalysis("crash", new IllegalStateException("injected: the first analysis crashes"));

        Trail onMoto = onMoto("moto-crash", TWO_STEPS, CRASHING_REVISION, "FAILED");
        Trail local = locally("local-crash", TWO_STEPS, CRASHING_REVISION, "FAILED");

        assertThat(onMoto.path()).as("moto's path: no retry of an error the Retry does not name, the Catch into Rollback")
                .containsSubsequence("StartRollout=started", "Analysis(failed " + CRASH + ")", "Rollback=rolledBack",
                        "PostRollout=failed", "RolloutFailed")
                .doesNotContain("Succeeded");
        assertThat(onMoto.path().stream().filter(state -> state.startsWith("Analysis(failed"))).hasSize(1);
        assertSameRun(onMoto, local);
    }

    @Test
    void aTransientFaultIsRetriedOnTheSamePathOnMoto() {
        // the first Analysis of the rollout fails with the phases' TransientFault (a Kubernetes API hiccup): the
        // ASL's Retry names it, so the same state runs again after its backoff (scaled by the speed on moto too)
        failFirstAnalysis("retry", new TransientFault("injected: the Kubernetes API answered 503"));

        Trail onMoto = onMoto("moto-retry", TWO_STEPS, CRASHING_REVISION, "SUCCEEDED");
        Trail local = locally("local-retry", TWO_STEPS, CRASHING_REVISION, "SUCCEEDED");

        assertThat(onMoto.path()).as("moto's path: the failed attempt retried in the same state, then promoted")
                .containsSubsequence("StartRollout=started", "Analysis(failed " + TRANSIENT + ")", "AnalysisDecision",
                        "Promote=done", "Succeeded")
                .noneMatch(state -> state.startsWith("Rollback"));
        assertThat(onMoto.events()).as("moto's history: a failed attempt, then a new one of the same state")
                .containsSubsequence("StateEntered Analysis", "TaskScheduled", "TaskStarted", "TaskFailed",
                        "TaskScheduled", "TaskStarted", "TaskSucceeded", "StateExited Analysis");
        assertSameRun(onMoto, local);
    }

    @Test
    void aRolloutHandedOverToNewExecutionsTakesTheSamePathOnMoto() {
        // every execution hands the rollout over after 3 phase ticks (ContinueAsNew: states:startExecution), so this
        // rollout runs in several executions on each interpreter; the budget is the runtime's, hence a rig of its own
        ServeHarness small = ServeHarness.start(new SfnTaskTokens(() -> motoStepFunctions), new HistoryBudget(3));
        small.sim.reconcileOnEveryWrite(true);
        MotoServer itsMoto;
        try {
            itsMoto = MotoServer.start(Optional.of(small.url()), ServeHarness.SPEED);
        } catch (RuntimeException e) {
            small.close();
            throw e;
        }
        handingOver = Rig.on(small, itsMoto);

        Trail onMoto = onMoto(handingOver, "moto-handover", ServeHarness.canary("moto-handover", TWO_STEPS), "6.7.1",
                "SUCCEEDED", () -> { });
        Trail local = locally(handingOver, "local-handover", ServeHarness.canary("local-handover", TWO_STEPS), "6.7.1",
                "SUCCEEDED", () -> { });

        assertThat(onMoto.path()).as("moto's path: handed over, resumed in the continuation, promoted")
                .containsSubsequence("StartRollout=started", "ContinueAsNew=started", "HandedOver", "Resume",
                        "StartRolloutDecision", "HandedOver", "Resume", "Promote=done", "Succeeded")
                .noneMatch(state -> state.startsWith("Rollback"));
        assertSameRun(onMoto, local);
    }

    /**
     * The first Analysis of revision {@value #CRASHING_REVISION} of canaries moto-{@code name} and local-{@code name}
     * fails with {@code error}: on moto its invocation is answered as a Lambda function error of that type
     * ({@code X-Amz-Function-Error: Unhandled}), on the project's interpreter the handler throws it.
     */
    private static void failFirstAnalysis(String name, RuntimeException error) {
        lambda.crashOnce(new CrashingInvokeProxy.Crash("Analysis", payload -> payload.at("/canary/name").asText()
                .equals("moto-" + name) && payload.path("revision").asText().equals(CRASHING_REVISION),
                error.getClass().getName(), error.getMessage()));
        CRASH_LOCALLY.put("local-" + name, error);
    }

    @Test
    void aGateParkedOnMotoIsOpenedByItsTaskTokenThroughTheApi() throws Exception {
        // both rollouts park at confirm-rollout (the gate's wait is the 10m interval: 6 s at the test speed) and run
        // side by side, each opened through the API as soon as it parks
        var moto = CompletableFuture.supplyAsync(() -> onMoto("moto-gate", h.gatedCanary(ServeHarness.NAMESPACE, "moto-gate"),
                "6.7.1", "SUCCEEDED", () -> openWhenParked("moto-gate")));
        var local = CompletableFuture.supplyAsync(() -> locally("local-gate", h.gatedCanary(ServeHarness.NAMESPACE, "local-gate"),
                "6.7.1", "SUCCEEDED", () -> openWhenParked("local-gate")));

        Trail onMoto = moto.get();
        assertThat(onMoto.path()).as("moto's path: parked, then resumed by the gate's token, not by the wait's timeout")
                .containsSubsequence("ConfirmRollout=closed", "WaitForConfirmRollout=closed", "ConfirmRollout=open",
                        "StartRollout=started", "Succeeded")
                .noneMatch(state -> state.endsWith("(timedOut)"));
        assertSameRun(onMoto, local.get());
    }

    @Test
    void aPauseParksOnMotoAndResumeCompletesItsTokenThroughTheApi() throws Exception {
        // a 10m interval (6 s here): the pause is sent while the first analysis step waits, so the next Analysis reads it;
        // WaitForResume parks for the hour the paused tick answers (36 s here) unless resumed, which the test does at once
        String analysis = """
                    interval: 10m
                    threshold: 2
                    stepWeight: 20
                    maxWeight: 40
                """;
        var moto = CompletableFuture.supplyAsync(() -> onMoto("moto-pause", ServeHarness.canary("moto-pause", analysis),
                "6.7.1", "SUCCEEDED", () -> pauseThenResume("moto-pause")));
        var local = CompletableFuture.supplyAsync(() -> locally("local-pause", ServeHarness.canary("local-pause", analysis),
                "6.7.1", "SUCCEEDED", () -> pauseThenResume("local-pause")));

        Trail onMoto = moto.get();
        assertThat(onMoto.path()).as("moto's path: paused, parked, then resumed by the token, not by the wait's timeout")
                .containsSubsequence("PreRollout=advanced", "Analysis=paused", "WaitForResume=paused", "Analysis=advanced",
                        "Succeeded")
                .noneMatch(state -> state.endsWith("(timedOut)"));
        assertSameRun(onMoto, local.get());
    }

    /** Pauses once the first analysis step is in (weight 20), resumes once the run is parked on its pause. */
    private static void pauseThenResume(String name) {
        String path = "/canaries/" + ServeHarness.NAMESPACE + "/" + name;
        eventually(PATIENCE, () -> {
            JsonNode c = h.http.get(path).json();
            assertThat(c.at("/status/canaryWeight").asInt()).as("first step: %s", c.path("status")).isEqualTo(20);
            return c;
        });
        Http.Reply pause = h.http.postJson(path + "/pause", "{\"reason\":\"look\"}");
        assertThat(pause.json().path("status").asText()).as("%s", pause).isEqualTo("requested");
        eventually(PATIENCE, () -> {
            JsonNode run = h.http.get(path + "/runs").json().at("/runs/0");
            assertThat(run.path("pausedSince").isTextual()).as("parked: %s", run).isTrue();
            return run;
        });
        Http.Reply resume = h.http.postJson(path + "/resume", "{}");
        assertThat(resume.json().path("resumedRollout").asBoolean()).as("the resume's SendTaskSuccess reached the rollout: %s",
                resume).isTrue();
    }

    /** Opens the canary's confirm-rollout gate once a rollout waits on it; asserts the API resumed the rollout. */
    private static void openWhenParked(String name) {
        String path = "/canaries/" + ServeHarness.NAMESPACE + "/" + name;
        eventually(PATIENCE, () -> {
            JsonNode c = h.http.get(path).json();
            assertThat(c.at("/gates/confirm-rollout/rolloutWaiting").asBoolean()).as("parked: %s", c.path("gates")).isTrue();
            return c;
        });
        Http.Reply open = h.http.postJson(path + "/gates/confirm-rollout/open", "{\"reason\":\"ship it\"}");
        assertThat(open.status()).as("%s", open).isEqualTo(200);
        assertThat(open.json().path("resumedRollout").asBoolean()).as("the gate's SendTaskSuccess reached the rollout: %s", open)
                .isTrue();
    }

    private static Trail onMoto(String name, String analysis, String revision, String status) {
        return onMoto(main, name, ServeHarness.canary(name, analysis), revision, status, () -> { });
    }

    private static Trail locally(String name, String analysis, String revision, String status) {
        return locally(main, name, ServeHarness.canary(name, analysis), revision, status, () -> { });
    }

    private static Trail onMoto(String name, String yaml, String revision, String status, Runnable meanwhile) {
        return onMoto(main, name, yaml, revision, status, meanwhile);
    }

    private static Trail locally(String name, String yaml, String revision, String status, Runnable meanwhile) {
        return locally(main, name, yaml, revision, status, meanwhile);
    }

    /**
     * Runs the canary's rollout of {@code revision} on moto, {@code meanwhile} once it started; the states it
     * entered, in order, through every execution the rollout was handed over to (ContinueAsNew).
     */
    private static Trail onMoto(Rig r, String name, String yaml, String revision, String status, Runnable meanwhile) {
        r.h().bootstrap(ServeHarness.NAMESPACE, name, yaml);
        CanaryId id = new CanaryId(ServeHarness.NAMESPACE, name);
        // what POST .../rollouts does on a simulated cluster: deploy the revision, then start the execution
        r.h().sim.newRevision(id.namespace(), name, SimulatedTargets.image(revision));
        String runId = ExecutionNames.of(id, revision);
        ObjectNode input = JSON.createObjectNode();
        input.putObject("canary").put("namespace", id.namespace()).put("name", id.name());
        input.put("runId", runId).put("revision", revision).put("intervalSeconds", 10);
        String first;
        try {
            first = r.sfn().startExecution(b -> b.stateMachineArn(r.machineArn()).name(runId).input(input.toString()))
                    .executionArn();
        } catch (software.amazon.awssdk.services.sfn.model.SfnException e) {
            throw new AssertionError("moto's StartExecution: " + e.getMessage() + "; log:\n" + r.moto().log(), e);
        }
        meanwhile.run();
        List<String> path = new ArrayList<>();
        List<String> events = new ArrayList<>();
        Optional<String> next = Optional.of(first);
        DescribeExecutionResponse done = null;
        while (next.isPresent()) {
            String arn = next.get();
            next = Optional.empty();
            done = eventually(PATIENCE, () -> {
                DescribeExecutionResponse d = r.sfn().describeExecution(b -> b.executionArn(arn));
                assertThat(d.status()).as("moto's execution %s; task failures: %s", arn, r.h().failures)
                        .isNotEqualTo(ExecutionStatus.RUNNING);
                return d;
            });
            // moto answers the whole history in one page (it ignores maxResults and nextToken)
            boolean task = false;
            for (var e : r.sfn().getExecutionHistory(b -> b.executionArn(arn)).events()) {
                events.add(e.typeAsString().endsWith("StateEntered") ? "StateEntered " + e.stateEnteredEventDetails().name()
                        : e.typeAsString().endsWith("StateExited") ? "StateExited " + e.stateExitedEventDetails().name()
                        : e.typeAsString());
                if (e.typeAsString().endsWith("StateEntered")) {
                    path.add(e.stateEnteredEventDetails().name());
                    task = false;
                } else if (e.typeAsString().equals("TaskSucceeded")) {
                    task = true;
                    if (e.taskSucceededEventDetails().resource().equals("startExecution")) {
                        // the continuation ContinueAsNew started, as StartExecution answers it on AWS
                        next = Optional.of(json(e.taskSucceededEventDetails().output()).path("ExecutionArn").asText());
                    }
                } else if (e.typeAsString().equals("TaskTimedOut")) {
                    timedOut(path);
                } else if (e.typeAsString().equals("TaskFailed")) {
                    failed(path, e.taskFailedEventDetails().error());
                } else if (e.typeAsString().endsWith("StateExited") && task) {
                    decided(path, e.stateExitedEventDetails().name(), json(e.stateExitedEventDetails().output()));
                }
            }
            assertThat(next).as("a handed-over execution names its continuation; path %s", path)
                    .matches(n -> n.isEmpty() || !n.get().isEmpty());
        }
        assertThat(done.statusAsString()).as("moto's execution; path %s; log:\n%s", path, r.moto().log()).isEqualTo(status);
        return new Trail(path, events);
    }

    /**
     * Runs the same rollout through the served API, on the project's own interpreter; the states it entered,
     * through every execution the rollout was handed over to.
     */
    private static Trail locally(Rig r, String name, String yaml, String revision, String status, Runnable meanwhile) {
        r.h().bootstrap(ServeHarness.NAMESPACE, name, yaml);
        Http.Reply started = r.h().http.postJson("/canaries/" + ServeHarness.NAMESPACE + "/" + name + "/rollouts",
                "{\"revision\":\"" + revision + "\"}");
        assertThat(started.status()).as("%s", started).isEqualTo(201);
        String runId = started.json().path("runId").asText();
        Execution first = r.h().serve.runtime().rollout(runId).orElseThrow();
        meanwhile.run();
        List<String> path = new ArrayList<>();
        List<String> events = new ArrayList<>();
        Optional<Execution> next = Optional.of(first);
        Execution execution = first;
        while (next.isPresent()) {
            execution = next.get();
            next = Optional.empty();
            Execution running = execution;
            eventually(PATIENCE, () -> {
                assertThat(running.isRunning()).as("local execution; task failures: %s", r.h().failures).isFalse();
                return true;
            });
            boolean task = false;
            String continuation = "";
            for (HistoryEvent e : execution.history()) {
                if (e.type().countsInAws()) {
                    events.add(awsName(e.type()) + e.state().filter(state -> e.type() == HistoryEvent.Type.STATE_ENTERED
                            || e.type() == HistoryEvent.Type.STATE_EXITED).map(state -> " " + state).orElse(""));
                }
                switch (e.type()) {
                    case STATE_ENTERED -> {
                        path.add(e.state().orElseThrow());
                        task = false;
                    }
                    case TASK_SUCCEEDED -> task = true;
                    case TASK_TIMED_OUT -> timedOut(path);
                    case TASK_FAILED -> failed(path, e.details().path("error").asText());
                    case STATE_EXITED -> {
                        if (task) {
                            decided(path, e.state().orElseThrow(), e.details().path("output"));
                            continuation = e.details().path("output").path("nextExecution").asText(continuation);
                        }
                    }
                    default -> { }
                }
            }
            if (path.getLast().equals("HandedOver")) {
                // the continuation ContinueAsNew started, under the name the phase handed over
                String handedTo = continuation;
                next = Optional.of(eventually(PATIENCE, () -> {
                    assertThat(r.h().executions).as("the continuation %s", handedTo).containsKey(handedTo);
                    return r.h().executions.get(handedTo);
                }));
            }
        }
        assertThat(execution.status().name()).isEqualTo(status);
        return new Trail(path, events);
    }

    /** {@code STATE_ENTERED} as GetExecutionHistory names it without the state's type: {@code StateEntered}. */
    private static String awsName(HistoryEvent.Type type) {
        StringBuilder name = new StringBuilder();
        for (String word : type.name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return name.toString();
    }

    /** A phase's Task state in the path reads {@code Analysis=stepped}: its decision, which the next Choice follows. */
    private static void decided(List<String> path, String state, JsonNode output) {
        String decision = output.path("decision").asText("");
        if (!decision.isEmpty() && !path.isEmpty() && path.getLast().equals(state)) {
            path.set(path.size() - 1, state + "=" + decision);
        }
    }

    /** A parked wait that its timeout, not its token, ended reads {@code WaitForConfirmRollout(timedOut)}. */
    private static void timedOut(List<String> path) {
        path.set(path.size() - 1, path.getLast() + "(timedOut)");
    }

    /** A task attempt that failed reads {@code Analysis(failed java.lang.IllegalStateException)}: its error. */
    private static void failed(List<String> path, String error) {
        path.set(path.size() - 1, path.getLast() + "(failed " + error + ")");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("moto's state output is not JSON: " + text, e);
        }
    }

    /**
     * What one rollout did on one interpreter, through every execution it was handed over to.
     *
     * @param path   the states entered, a Task's with the decision it answered ({@code Analysis=stepped}), a failed or
     *               timed-out attempt marked
     * @param events every event AWS writes to the executions' histories (the ones its 25,000-event quota counts), by
     *               type, a state's entry and exit with its name ({@code StateEntered Analysis})
     */
    record Trail(List<String> path, List<String> events) {}

    /**
     * The same run: the same states and decisions, and the same history event for event. The simulated cluster
     * reconciles on every write (its readiness cannot race either interpreter's speed), so any difference is the
     * interpreters'.
     */
    private static void assertSameRun(Trail onMoto, Trail local) {
        assertThat(onMoto.path()).as("the path on moto and on the project's interpreter").isEqualTo(local.path());
        assertThat(onMoto.events()).as("the history events on moto and on the project's interpreter")
                .isEqualTo(local.events());
    }

    /**
     * statemachine/canary.asl.json with each {@code ${XFunctionArn}} the "live" alias of function flagstep-X, as
     * template.yaml fills it; the Lambda Invoke API answers those ARNs with the phase handler X.
     */
    private static String definition() throws IOException {
        String asl;
        try (InputStream in = MotoStateMachineTest.class.getResourceAsStream("/statemachine/canary.asl.json")) {
            asl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = SUBSTITUTION.matcher(asl);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            assertThat(key).as("the template substitutes only function ARNs: ${%s}", key).endsWith("FunctionArn");
            String function = key.substring(0, key.length() - "FunctionArn".length());
            m.appendReplacement(out, Matcher.quoteReplacement(
                    "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:flagstep-" + function + ":live"));
        }
        m.appendTail(out);
        return out.toString();
    }
}

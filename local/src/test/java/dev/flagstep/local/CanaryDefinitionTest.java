package dev.flagstep.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.asl.AslInterpreter;
import dev.flagstep.phases.Decision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** statemachine/canary.asl.json as deployed: the interpreter accepts it, and its shape is the one docs/architecture.md describes. */
class CanaryDefinitionTest {

    private final JsonNode definition;

    CanaryDefinitionTest() throws Exception {
        definition = new ObjectMapper().readTree(LocalRuntime.definition());
    }

    @Test
    void theInterpreterLoadsTheRealDefinitionWithEveryFunctionSubstituted() {
        Map<String, String> subs = new HashMap<>();
        LocalRuntime.PHASES.keySet().forEach(n -> subs.put(n + "FunctionArn", "arn:aws:lambda:local:0:function:" + n));
        assertThat(AslInterpreter.load(LocalRuntime.definition(), subs)).isNotNull();
    }

    @Test
    void hasDesignsStatesEachInvokingItsOwnFunction() {
        Set<String> states = new LinkedHashSet<>();
        definition.path("States").fieldNames().forEachRemaining(states::add);
        assertThat(states).contains("Initialize", "ConfirmRollout", "StartRollout", "PreRollout", "Analysis",
                "ConfirmPromotion", "Promote", "Finalise", "Rollback", "PostRollout");
        // the traffic step runs in the Analysis delivery that passed its checks, as in Flagger's tick
        assertThat(states).doesNotContain("AdvanceTraffic", "AdvanceTrafficDecision");
        for (String phase : LocalRuntime.PHASES.keySet()) {
            assertThat(definition.at("/States/" + phase + "/Parameters/FunctionName").asText())
                    .isEqualTo("${" + phase + "FunctionArn}");
        }
    }

    /**
     * An operator's pause parks the run on a task token (docs/executions.md, "Pause"): the analysis Choices send
     * {@code paused} to WaitForResume, which hands the Analysis function its token to park on the run ({@code parkOn}),
     * waits at most the answer's {@code waitSeconds}, and goes back to Analysis however it ends but by an error.
     */
    @Test
    void aPausedRunParksOnATokenUntilResumedThenAnalysesAgain() {
        for (String choice : List.of("PreRolloutDecision", "AnalysisDecision")) {
            List<String> paused = new ArrayList<>();
            definition.at("/States/" + choice + "/Choices").forEach(c -> {
                if (c.path("StringEquals").asText().equals("paused")) {
                    paused.add(c.path("Next").asText());
                }
            });
            assertThat(paused).as(choice).containsExactly("WaitForResume");
        }
        JsonNode wait = definition.at("/States/WaitForResume");
        assertThat(wait.path("Resource").asText()).isEqualTo("arn:aws:states:::lambda:invoke.waitForTaskToken");
        assertThat(wait.at("/Parameters/FunctionName").asText()).isEqualTo("${AnalysisFunctionArn}");
        assertThat(wait.at("/Parameters/Payload/parkOn").asText()).isEqualTo("resume");
        assertThat(wait.at("/Parameters/Payload/taskToken.$").asText()).isEqualTo("$$.Task.Token");
        assertThat(wait.path("TimeoutSecondsPath").asText()).isEqualTo("$.waitSeconds");
        assertThat(wait.path("ResultPath").isNull()).as("the state's input goes on unchanged").isTrue();
        assertThat(wait.path("Next").asText()).isEqualTo("Analysis");
        assertThat(wait.at("/Catch/0/ErrorEquals/0").asText()).isEqualTo("States.Timeout");
        assertThat(wait.at("/Catch/0/Next").asText()).isEqualTo("Analysis");
        assertThat(wait.at("/Catch/1/ErrorEquals/0").asText()).isEqualTo("States.ALL");
        assertThat(wait.at("/Catch/1/Next").asText()).isEqualTo("Rollback");
    }

    /** Lambda reports an uncaught exception by its class name: the name the transient retrier matches. */
    static final String TRANSIENT = dev.flagstep.phases.TransientFault.class.getName();

    /**
     * Every Task retries Lambda's service faults, then transient faults and deliveries Lambda killed
     * (with full jitter); anything else is caught into the rollback path, except in Rollback, which tries
     * everything twice more because it is what puts the traffic back.
     */
    @Test
    void retriesLambdaServiceFaultsTransientFaultsAndKilledDeliveries() {
        definition.path("States").fields().forEachRemaining(e -> {
            JsonNode s = e.getValue();
            if (!invokesAPhase(s)) {
                return;
            }
            JsonNode retry = s.path("Retry");
            retry.get(0).path("ErrorEquals").forEach(x -> assertThat(x.asText()).as(e.getKey()).startsWith("Lambda."));
            List<String> transientErrors = new java.util.ArrayList<>();
            retry.get(1).path("ErrorEquals").forEach(x -> transientErrors.add(x.asText()));
            assertThat(transientErrors).as(e.getKey())
                    .containsExactly(TRANSIENT, "Lambda.Unknown", "Sandbox.Timedout", "Runtime.ExitError");
            assertThat(retry.get(1).path("JitterStrategy").asText()).as(e.getKey()).isEqualTo("FULL");
            assertThat(retry.size()).as(e.getKey()).isEqualTo(e.getKey().equals("Rollback") ? 3 : 2);
        });
        assertThat(definition.at("/States/Rollback/Retry/2/ErrorEquals/0").asText()).isEqualTo("States.ALL");
    }

    /**
     * The windows docs/retries.md states. With full jitter each wait is uniform between 0 and its capped
     * backoff, so the expected total wait is half the sum of the caps: about Flagger's default progress
     * deadline (600 s) for the phases, half an hour where the traffic goes back and the run is released.
     */
    @Test
    void transientRetriesLastAboutAProgressDeadlineAndHalfAnHourWhereTrafficGoesBack() {
        definition.path("States").fields().forEachRemaining(e -> {
            if (!invokesAPhase(e.getValue())) {
                return;
            }
            double expectedSeconds = expectedWait(e.getValue().at("/Retry/1"));
            if (e.getKey().equals("Rollback") || e.getKey().equals("PostRollout")) {
                assertThat(expectedSeconds).as(e.getKey()).isBetween(1800.0, 1860.0);
            } else {
                assertThat(expectedSeconds).as(e.getKey()).isBetween(600.0, 660.0);
            }
        });
    }

    /** A Task that invokes a phase Lambda (not, say, a Step Functions integration). */
    private static boolean invokesAPhase(JsonNode state) {
        return state.path("Type").asText().equals("Task")
                && state.path("Resource").asText().startsWith("arn:aws:states:::lambda:invoke");
    }

    /** Half of sum(min(IntervalSeconds * BackoffRate^n, MaxDelaySeconds)) over the retries. */
    private static double expectedWait(JsonNode retrier) {
        double sum = 0;
        for (int n = 0; n < retrier.path("MaxAttempts").asInt(); n++) {
            sum += Math.min(retrier.path("IntervalSeconds").asDouble() * Math.pow(retrier.path("BackoffRate").asDouble(), n),
                    retrier.path("MaxDelaySeconds").asDouble());
        }
        return sum / 2;
    }

    /** A local delivery has the time Lambda gives its function: template.yaml's Timeout (Globals: 120 s). */
    @Test
    void eachPhaseRunsWithTheTimeoutTemplateYamlGivesItsFunction() throws Exception {
        JsonNode template = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(java.nio.file.Path.of("..", "template.yaml").toFile());
        int globals = template.at("/Globals/Function/Timeout").asInt();
        for (String phase : LocalRuntime.PHASES.keySet()) {
            JsonNode own = template.at("/Resources/" + phase + "Function/Properties/Timeout");
            assertThat(LocalRuntime.timeout(phase).toSeconds()).as(phase).isEqualTo(own.isMissingNode() ? globals : own.asInt());
        }
    }

    @Test
    void everyTaskCatchesEverythingAndNoCatchLoopsBackFromTheEnd() {
        definition.path("States").fields().forEachRemaining(e -> {
            JsonNode s = e.getValue();
            if (!s.path("Type").asText().equals("Task")) {
                return;
            }
            JsonNode catches = s.path("Catch");
            assertThat(catches.get(catches.size() - 1).path("ErrorEquals").get(0).asText()).as(e.getKey()).isEqualTo("States.ALL");
        });
        assertThat(definition.at("/States/Rollback/Catch/0/Next").asText()).isEqualTo("PostRollout");
        assertThat(definition.at("/States/PostRollout/Catch/0/Next").asText()).isEqualTo("PostRolloutFailed");
        assertThat(definition.at("/States/PostRolloutFailed/Type").asText()).isEqualTo("Fail");
    }

    /** The phase handlers' sources: which {@link Decision}s each can answer is read from its code. */
    private static final Path PHASE_SOURCES = Path.of("../functions/phases/src/main/java/dev/flagstep/phases");

    /** {@code Decision.X} outside a qualified name (a nested {@code Foo.Decision.X} would be another type). */
    private static final Pattern ANSWER = Pattern.compile("(?<![\\w.])Decision\\.([A-Z][A-Z_]*)\\b");

    /** The delivery protocol: a handler that yields to a newer run may answer superseded from any tick. */
    private static final Set<String> PROTOCOL = Set.of("PhaseHandler", "Tick", "Delivery", "CanaryIo", "Decision");
    private static final Pattern STAYS = Pattern.compile("yieldsToNewerRun\\(\\)\\s*\\{\\s*return false;");

    /** Every decision a Choice state compares {@code $.decision} with is a {@link Decision}'s wire string. */
    @Test
    void everyDecisionAChoiceTestsIsADecision() {
        Set<String> wires = new HashSet<>();
        for (Decision d : Decision.values()) {
            wires.add(d.wire());
        }
        Set<String> tested = new LinkedHashSet<>();
        definition.path("States").fields().forEachRemaining(e -> e.getValue().path("Choices").forEach(c -> {
            if (c.path("Variable").asText().equals("$.decision")) {
                assertThat(wires).as(e.getKey() + " tests " + c.path("StringEquals")).contains(c.path("StringEquals").asText());
                tested.add(c.path("StringEquals").asText());
            }
        }));
        assertThat(tested).hasSizeGreaterThan(10);
    }

    /**
     * Every decision a phase's handler answers (read from its code and the helpers it calls) has its
     * branch in the Choice after the phase's Task, else it would fall to Default: Rollback. The two
     * exceptions are the ASL's own: Rollback's answer is not read (PostRollout follows whatever it
     * says), and in RolloutResult anything but succeeded is the failed rollout (Default: RolloutFailed).
     */
    @Test
    void everyDecisionAHandlerAnswersHasItsBranchInTheChoiceAfterItsTask() throws IOException {
        Map<String, Set<Decision>> unbranched = Map.of("PostRollout", EnumSet.of(Decision.FAILED));
        for (String phase : LocalRuntime.PHASES.keySet()) {
            Set<Decision> answers = answers(phase + "Handler");
            assertThat(answers).as(phase).isNotEmpty();
            JsonNode next = definition.at("/States/" + definition.at("/States/" + phase + "/Next").asText());
            if (!next.path("Type").asText().equals("Choice")) {
                assertThat(phase).as("a phase whose answer no Choice reads").isEqualTo("Rollback");
                continue;
            }
            Set<String> branched = new HashSet<>();
            next.path("Choices").forEach(c -> branched.add(c.path("StringEquals").asText()));
            for (Decision d : answers) {
                if (!unbranched.getOrDefault(phase, Set.of()).contains(d)) {
                    assertThat(branched).as(phase + " answers " + d + " (\"" + d.wire() + "\")").contains(d.wire());
                }
            }
        }
        assertThat(definition.at("/States/Rollback/Next").asText()).isEqualTo("PostRollout");
        assertThat(definition.at("/States/RolloutResult/Default").asText()).isEqualTo("RolloutFailed");
    }

    /** The reader itself: it finds answers given in helpers (GateWait) and the protocol's superseded. */
    @Test
    void theAnswersOfAHandlerIncludeItsHelpersAndTheProtocol() throws IOException {
        assertThat(answers("ConfirmRolloutHandler")).containsExactlyInAnyOrder(
                Decision.OPEN, Decision.CLOSED, Decision.ROLLBACK, Decision.SUPERSEDED);
        // the checks, then the traffic step of the same tick (AdvanceTraffic.run, GateWait.closed); an operator's
        // pause (Operated.analysis) parks the run in WaitForResume
        assertThat(answers("AnalysisHandler")).containsExactlyInAnyOrder(Decision.FAILED, Decision.NOT_READY,
                Decision.ROLLBACK, Decision.SUPERSEDED, Decision.ADVANCED, Decision.CLOSED, Decision.PROMOTE,
                Decision.PAUSED);
        assertThat(answers("PostRolloutHandler")).containsExactlyInAnyOrder(Decision.SUCCEEDED, Decision.FAILED);
    }

    /**
     * The decisions a handler's code names, following the static helper methods of the package it
     * calls ({@code GateWait.closed}, {@code AnalysisTick.run}) method by method, so that a helper's
     * other methods do not count.
     */
    private static Set<Decision> answers(String handler) throws IOException {
        String own = Files.readString(PHASE_SOURCES.resolve(handler + ".java"));
        Set<Decision> answers = EnumSet.noneOf(Decision.class);
        if (!STAYS.matcher(own).find()) {
            answers.add(Decision.SUPERSEDED);
        }
        Deque<String[]> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        collect(own, handler, answers, todo);
        while (!todo.isEmpty()) {
            String[] call = todo.pop();
            Path file = PHASE_SOURCES.resolve(call[0] + ".java");
            if (seen.add(call[0] + "." + call[1]) && Files.exists(file)) {
                String source = Files.readString(file);
                Matcher declared = Pattern.compile("static [^=;(]*\\b" + call[1] + "\\(").matcher(source);
                while (declared.find()) {
                    collect(body(source, declared.end()), call[0], answers, todo);
                }
            }
        }
        return answers;
    }

    private static final Pattern CALL = Pattern.compile("(?:\\b([A-Z]\\w*)\\.|(?<![\\w.]))([a-z]\\w*)\\(");

    private static void collect(String code, String type, Set<Decision> answers, Deque<String[]> todo) {
        Matcher m = ANSWER.matcher(code);
        while (m.find()) {
            answers.add(Decision.valueOf(m.group(1)));
        }
        Matcher c = CALL.matcher(code);
        while (c.find()) {
            String owner = c.group(1) == null ? type : c.group(1);
            if (!PROTOCOL.contains(owner) && !(c.group(1) != null && owner.endsWith("Handler"))) {
                todo.add(new String[] {owner, c.group(2)});
            }
        }
    }

    /** The braces-balanced body that starts after {@code from} (a method's declaration). */
    private static String body(String source, int from) {
        int open = source.indexOf('{', from);
        int depth = 0;
        for (int i = open; i < source.length(); i++) {
            depth += source.charAt(i) == '{' ? 1 : source.charAt(i) == '}' ? -1 : 0;
            if (depth == 0) {
                return source.substring(open, i + 1);
            }
        }
        return source.substring(open);
    }

    /** The handover (docs/executions.md): every Choice after a phase may continue the run in a new execution. */
    @Test
    void everyPhaseChoiceHandsOverFirstAndAContinuationResumesAtIt() {
        Set<String> decisions = new LinkedHashSet<>();
        definition.path("States").fieldNames().forEachRemaining(n -> {
            if (n.endsWith("Decision")) {
                decisions.add(n);
            }
        });
        assertThat(decisions).hasSize(8);
        assertThat(definition.path("StartAt").asText()).isEqualTo("Resume");
        JsonNode resume = definition.at("/States/Resume/Choices");
        assertThat(resume.get(0).toString()).isEqualTo(
                "{\"Variable\":\"$.resumeAt\",\"IsPresent\":false,\"Next\":\"Initialize\"}");
        Set<String> resumable = new LinkedHashSet<>();
        for (int i = 1; i < resume.size(); i++) {
            assertThat(resume.get(i).path("StringEquals").asText()).isEqualTo(resume.get(i).path("Next").asText());
            resumable.add(resume.get(i).path("Next").asText());
        }
        assertThat(resumable).isEqualTo(decisions);
        for (String d : decisions) {
            // guarded by IsPresent: a Choice that meets a missing path fails the execution with no Catch
            assertThat(definition.at("/States/" + d + "/Choices/0").toString()).as(d).isEqualTo(
                    "{\"And\":[{\"Variable\":\"$.handover\",\"IsPresent\":true},"
                            + "{\"Variable\":\"$.handover\",\"BooleanEquals\":true}],\"Next\":\"ContinueAsNew\"}");
        }
    }

    @Test
    void thePhasesOfTheLoopPassTheirTickCountAndTheOthersNeedNone() {
        Set<String> counted = Set.of("ConfirmRollout", "StartRollout", "PreRollout", "Analysis",
                "ConfirmPromotion", "Promote", "Finalise");
        definition.path("States").fields().forEachRemaining(e -> {
            JsonNode payload = e.getValue().at("/Parameters/Payload");
            if (payload.isMissingNode()) {
                return;
            }
            boolean counts = counted.contains(e.getKey());
            assertThat(payload.path("ticks.$").asText()).as(e.getKey()).isEqualTo(counts ? "$.ticks" : "");
            assertThat(payload.path("execution.$").asText()).as(e.getKey()).isEqualTo(counts ? "$$.Execution.Name" : "");
            // a state reached from Initialize's Catch (raw input) must not need $.ticks
            assertThat(payload.toString()).as(e.getKey()).contains(counts ? "$.ticks" : "tick.$");
        });
    }

    @Test
    void aContinuationCarriesWhatEveryStateAfterAChoiceReads() {
        JsonNode task = definition.at("/States/ContinueAsNew");
        assertThat(task.path("Resource").asText()).isEqualTo("arn:aws:states:::states:startExecution");
        assertThat(task.at("/Parameters/StateMachineArn.$").asText()).isEqualTo("$$.StateMachine.Id");
        assertThat(task.at("/Parameters/Name.$").asText()).isEqualTo("$.nextExecution");
        Set<String> carried = new HashSet<>();
        task.at("/Parameters/Input").fieldNames().forEachRemaining(f -> carried.add(f.replace(".$", "")));
        // Choices read decision and handover; the waits waitSeconds and intervalSeconds; Rollback and
        // PostRollout error; every phase canary, runId, revision, ticks; Resume resumeAt
        assertThat(carried).containsExactlyInAnyOrder("canary", "runId", "revision", "intervalSeconds", "waitSeconds",
                "decision", "error", "ticks", "handover", "resumeAt", "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID");
        Set<String> read = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"\\$\\.([A-Za-z]+)").matcher(definition.toString());
        while (m.find()) {
            read.add(m.group(1));
        }
        read.removeAll(Set.of("nextExecution", "Payload"));
        assertThat(carried).containsAll(read);
        assertThat(task.at("/Catch/0/Next").asText()).isEqualTo("HandedOver");
        assertThat(task.at("/Catch/0/ErrorEquals/0").asText()).isEqualTo("StepFunctions.ExecutionAlreadyExistsException");
        assertThat(task.at("/Retry/0/MaxAttempts").asInt(-1)).isZero();
        assertThat(definition.at("/States/HandedOver/Type").asText()).isEqualTo("Succeed");
    }
}

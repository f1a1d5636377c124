package dev.flagstep.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.asl.AslInterpreter;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionChain;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.asl.HistoryEvent;
import dev.flagstep.asl.InstantClock;
import dev.flagstep.asl.TaskInvoker;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.phases.PhaseInput;
import dev.flagstep.phases.PhaseJson;
import dev.flagstep.phases.PhaseOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: a rollout waits on a closed gate for 30 days at a 10 s interval without failing. The
 * real canary.asl.json runs in the interpreter, which counts history events as AWS does and fails
 * an execution at 25,000 of them; virtual time ({@link InstantClock}) makes 30 days take seconds.
 *
 * <p>The phases are stand-ins that answer the gate closed until the 30 days are up, but they
 * answer through the very code the real handlers answer with ({@link PhaseJson} and
 * {@link HistoryBudget}), so the handover is the real one. {@code HandoverE2ETest} runs the real
 * handlers on DynamoDB Local across handovers.
 */
class ThirtyDayGateTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PhaseJson JSON = new PhaseJson(MAPPER);
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration THIRTY_DAYS = Duration.ofDays(30);
    private static final int INTERVAL = 10;
    private static final int PAUSE_RECHECK_SECONDS = 3600;
    /** Generous for a machine shared with other builds; the runs take seconds. */
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    /** What each phase answers: the gate under test closed until {@code opensAt}, everything else passing. */
    private static Map<String, String> promotionGateClosed() {
        Map<String, String> answers = new HashMap<>();
        answers.put("Initialize", "initialized");
        answers.put("ConfirmRollout", "open");
        answers.put("StartRollout", "started");
        answers.put("PreRollout", "promote"); // the analysis ends at once: the gate under test is what matters
        answers.put("Analysis", "promote");
        answers.put("ConfirmPromotion", "closed");
        answers.put("Promote", "done");
        answers.put("Finalise", "finalised");
        answers.put("PostRollout", "succeeded");
        return answers;
    }

    private static Map<String, String> rolloutGateClosed() {
        Map<String, String> answers = promotionGateClosed();
        answers.put("ConfirmRollout", "closed");
        answers.put("StartRollout", "skipAnalysis");
        return answers;
    }

    /** The gate's phase answers "open" once the clock has passed {@code opensAt}. */
    private static final class Phases implements TaskInvoker {
        final InstantClock clock;
        final Map<String, String> answers;
        final String gatePhase;
        final Instant opensAt;
        final HistoryBudget budget;
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final Set<String> runIds = ConcurrentHashMap.newKeySet();

        Phases(InstantClock clock, Map<String, String> answers, String gatePhase, Instant opensAt, HistoryBudget budget) {
            this.clock = clock;
            this.answers = answers;
            this.gatePhase = gatePhase;
            this.opensAt = opensAt;
            this.budget = budget;
        }

        @Override
        public JsonNode invoke(String function, JsonNode payload) {
            PhaseInput in = JSON.read(payload);
            runIds.add(in.runId());
            String decision;
            if (in.taskToken().isPresent()) {
                decision = "parked"; // the gate stays closed: the wait times out after an interval
                function = function + "/parked";
            } else if (function.equals(gatePhase) && !clock.now().isBefore(opensAt)) {
                decision = answers.getOrDefault(function + "@open", "open");
            } else {
                decision = answers.get(function);
            }
            calls.computeIfAbsent(function, k -> new AtomicInteger()).incrementAndGet();
            // a paused tick parks for the hour it answers (Operated.PAUSE_RECHECK_SECONDS), every other wait is an interval
            int wait = decision.equals("paused") ? PAUSE_RECHECK_SECONDS : INTERVAL;
            return JSON.write(new PhaseOutput(in.canary(), in.runId(), in.revision(), INTERVAL, wait, decision),
                    budget.after(in.ticks(), in.tick(), in.execution()));
        }
    }

    /** Runs one rollout to its end; per execution only the count AWS would hold is kept. */
    private record Outcome(ExecutionChain run, Phases phases, InstantClock clock, int maxEvents, Duration took, Duration cpu) {}

    private static Outcome roll(Map<String, String> answers, String gatePhase, Duration closedFor, HistoryBudget budget)
            throws Exception {
        InstantClock clock = new InstantClock(START);
        Phases phases = new Phases(clock, answers, gatePhase, START.plus(closedFor), budget);
        Map<String, String> substitutions = new HashMap<>();
        LocalRuntime.PHASES.keySet().forEach(name -> substitutions.put(name + "FunctionArn", name));
        AslInterpreter asl = new AslInterpreter(AslInterpreter.load("flagstep-canary", LocalRuntime.definition(), substitutions),
                phases, clock);
        AtomicInteger maxEvents = new AtomicInteger();
        Predicate<HistoryEvent> closing = e -> e.type() == HistoryEvent.Type.EXECUTION_SUCCEEDED
                || e.type() == HistoryEvent.Type.EXECUTION_FAILED;
        asl.addListener((execution, event) -> {
            if (closing.test(event)) {
                maxEvents.accumulateAndGet(execution.historyEventCount(), Math::max);
            }
        });
        long began = System.nanoTime();
        Duration cpuBefore = cpu();
        Execution first = asl.start("test-podinfo-6-7-1", MAPPER.readTree("""
                {"canary":{"namespace":"test","name":"podinfo"},"runId":"run-1","revision":"6.7.1","intervalSeconds":10}"""));
        ExecutionChain run = first.chain();
        assertThat(run.await(PATIENCE)).as("the run ended in time").isNotEqualTo(ExecutionStatus.RUNNING);
        return new Outcome(run, phases, clock, maxEvents.get(), Duration.ofNanos(System.nanoTime() - began),
                cpu().minus(cpuBefore));
    }

    /** The CPU this JVM has used: a figure that does not depend on what else the machine runs. */
    private static Duration cpu() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static int calls(Outcome o, String function) {
        return o.phases().calls.getOrDefault(function, new AtomicInteger()).get();
    }

    @Test
    void confirmPromotionStaysClosedThirtyDaysAtTenSecondsAndTheRolloutThenPromotes() throws Exception {
        Outcome o = roll(promotionGateClosed(), "ConfirmPromotion", THIRTY_DAYS, HistoryBudget.standard());

        assertThat(o.run().status()).as("run %s", o.run()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(o.run().latest().history()).anyMatch(e -> e.state().filter("Succeeded"::equals).isPresent());
        assertThat(o.clock().now()).isAfterOrEqualTo(START.plus(THIRTY_DAYS));
        // one closed look every 10 s for 30 days, each followed by a parked wait and an analysis tick
        assertThat(calls(o, "ConfirmPromotion")).isGreaterThanOrEqualTo(30 * 8640 - 1);
        assertThat(calls(o, "ConfirmPromotion/parked")).isGreaterThanOrEqualTo(30 * 8640 - 1);
        assertThat(calls(o, "Analysis")).isGreaterThanOrEqualTo(30 * 8640 - 1);
        assertThat(calls(o, "Promote")).isOne();
        // the run was carried by a chain of executions, none near the quota, all on one run id
        int ticks = calls(o, "ConfirmPromotion") + calls(o, "Analysis");
        assertThat(o.run().length()).isGreaterThanOrEqualTo(ticks / HistoryBudget.DEFAULT_TICKS);
        assertThat(o.maxEvents()).isLessThan(HistoryBudget.DEFAULT_TICKS * 13).isLessThan(Execution.HISTORY_LIMIT / 2);
        assertThat(o.phases().runIds).containsExactly("run-1");
        assertThat(o.run().latest().name()).startsWith("test-podinfo-6-7-1.").endsWith("." + (o.run().length() - 1));
        System.out.printf("confirm-promotion closed 30 days at 10 s: %d executions, at most %d events each, %d ticks, "
                        + "%.1f s (%.1f s CPU)%n", o.run().length(), o.maxEvents(), ticks, o.took().toMillis() / 1000.0,
                o.cpu().toMillis() / 1000.0);
    }

    @Test
    void confirmRolloutStaysClosedThirtyDaysAtTenSecondsAndTheRolloutThenGoesOn() throws Exception {
        Outcome o = roll(rolloutGateClosed(), "ConfirmRollout", THIRTY_DAYS, HistoryBudget.standard());

        assertThat(o.run().status()).as("run %s", o.run()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(o.clock().now()).isAfterOrEqualTo(START.plus(THIRTY_DAYS));
        assertThat(calls(o, "ConfirmRollout")).isGreaterThanOrEqualTo(30 * 8640 - 1);
        assertThat(calls(o, "Promote")).isOne();
        assertThat(o.run().length()).isGreaterThanOrEqualTo(calls(o, "ConfirmRollout") / HistoryBudget.DEFAULT_TICKS);
        assertThat(o.maxEvents()).isLessThan(Execution.HISTORY_LIMIT / 2);
        assertThat(o.phases().runIds).containsExactly("run-1");
        System.out.printf("confirm-rollout closed 30 days at 10 s: %d executions, at most %d events each, %.1f s (%.1f s CPU)%n",
                o.run().length(), o.maxEvents(), o.took().toMillis() / 1000.0, o.cpu().toMillis() / 1000.0);
    }

    /**
     * An operator's pause (POST .../pause) parks the run in WaitForResume for an hour at a time, whatever the interval:
     * paused 30 days at 10 s, the rollout takes a tick an hour instead of one every 10 s, then promotes once resumed.
     */
    @Test
    void pausedThirtyDaysAtTenSecondsTheRolloutTicksHourlyAndThenPromotes() throws Exception {
        Map<String, String> answers = promotionGateClosed();
        answers.put("PreRollout", "advanced");
        answers.put("Analysis", "paused");
        answers.put("Analysis@open", "promote"); // resumed: the analysis goes on and completes
        answers.put("ConfirmPromotion", "open");

        Outcome o = roll(answers, "Analysis", THIRTY_DAYS, HistoryBudget.standard());

        assertThat(o.run().status()).as("run %s", o.run()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(o.clock().now()).isAfterOrEqualTo(START.plus(THIRTY_DAYS));
        // one paused look an hour (720 in 30 days), each parked in WaitForResume, against 259,200 at the interval
        assertThat(calls(o, "Analysis")).isBetween(30 * 24, 30 * 24 + 2);
        assertThat(calls(o, "Analysis/parked")).isBetween(30 * 24 - 1, 30 * 24 + 1);
        assertThat(o.run().length()).isBetween(2, 4);
        // Analysis 5 + its Choice 2 + WaitForResume 6 = 13 events a paused tick, plus an execution's start and end
        assertThat(o.maxEvents()).isLessThan(HistoryBudget.DEFAULT_TICKS * 13 + 60).isLessThan(Execution.HISTORY_LIMIT / 2);
        assertThat(calls(o, "Promote")).isOne();
        System.out.printf("paused 30 days at 10 s: %d executions, at most %d events each, %d paused ticks, %.1f s%n",
                o.run().length(), o.maxEvents(), calls(o, "Analysis"), o.took().toMillis() / 1000.0);
    }

    /** The test above would fail without the handover: the first execution dies at the quota, no Catch, no rollback. */
    @Test
    void withoutTheHandoverTheSameRolloutFailsAtTheQuotaAfterAboutThreeAndAHalfHours() throws Exception {
        Outcome o = roll(promotionGateClosed(), "ConfirmPromotion", THIRTY_DAYS, new HistoryBudget(Integer.MAX_VALUE));

        assertThat(o.run().length()).isOne();
        Execution only = o.run().latest();
        assertThat(only.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(only.error()).contains("States.Runtime");
        assertThat(only.cause()).contains("The execution reached the maximum number of history events (25000).");
        assertThat(only.historyEventCount()).isEqualTo(Execution.HISTORY_LIMIT);
        // no Catch ran: neither Rollback nor PostRollout was called, so traffic would stay where it was
        assertThat(calls(o, "Rollback")).isZero();
        assertThat(calls(o, "PostRollout")).isZero();
        // a closed confirm-promotion loop writes 20 events per 10 s interval (27 while the traffic step was a
        // Task of its own): 25,000 / 20 x 10 s
        Duration lived = Duration.between(START, o.clock().now());
        assertThat(lived).isBetween(Duration.ofMinutes(205), Duration.ofMinutes(215));
    }
}

package dev.flagstep.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.CanaryPhase;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operation × phase matrix of docs/api.md, every cell, and the retry rules. */
class OperationsTest {

    private static final Instant RUN_START = Instant.parse("2026-11-02T10:00:00Z");
    private static final Instant BEFORE = RUN_START.minusSeconds(60);
    private static final Instant AFTER = RUN_START.plusSeconds(60);

    private static final String OK = "ok";
    private static final String NO = "409";

    /** The table in docs/api.md: per stage, promote / abort / pause (no control on the run yet). */
    private static final Map<Stage, List<String>> MATRIX = new EnumMap<>(Map.of(
            Stage.NO_RUN, List.of(NO, NO, NO),
            Stage.ONBOARDING, List.of(NO, NO, NO),
            Stage.STARTING, List.of(NO, NO, NO),
            Stage.WAITING, List.of(NO, OK, NO),
            Stage.PROGRESSING, List.of(OK, OK, OK),
            Stage.WAITING_PROMOTION, List.of(OK, OK, OK),
            Stage.PROMOTING, List.of(NO, NO, NO),
            Stage.ENDING, List.of(NO, NO, NO)));

    @Test
    void everyStageAnswersThePromoteAbortPauseOfTheTable() {
        assertThat(MATRIX).containsOnlyKeys(Stage.values());
        List<Operation> ops = List.of(Operation.PROMOTE, Operation.ABORT, Operation.PAUSE);
        for (Map.Entry<Stage, List<String>> row : MATRIX.entrySet()) {
            for (int i = 0; i < ops.size(); i++) {
                OperationVerdict v = Operations.decide(ops.get(i), row.getKey(), CanaryPhase.PROGRESSING,
                        Optional.empty(), Optional.empty());
                String cell = v instanceof OperationVerdict.Allowed ? OK : v instanceof OperationVerdict.Refused ? NO : "?";
                assertThat(cell).as(ops.get(i) + " in " + row.getKey()).isEqualTo(row.getValue().get(i));
            }
        }
    }

    @Test
    void allowedOperationsSetTheRunsControl() {
        assertThat(decide(Operation.PROMOTE, Stage.PROGRESSING, Optional.empty()))
                .isEqualTo(new OperationVerdict.Allowed(Optional.of(RunControl.PROMOTE)));
        assertThat(decide(Operation.ABORT, Stage.WAITING_PROMOTION, Optional.empty()))
                .isEqualTo(new OperationVerdict.Allowed(Optional.of(RunControl.ABORT)));
        assertThat(decide(Operation.PAUSE, Stage.PROGRESSING, Optional.empty()))
                .isEqualTo(new OperationVerdict.Allowed(Optional.of(RunControl.PAUSED)));
        assertThat(decide(Operation.RESUME, Stage.PROGRESSING, Optional.of(RunControl.PAUSED)))
                .isEqualTo(new OperationVerdict.Allowed(Optional.empty()));
    }

    @Test
    void theSameOperationAgainIsAlreadyRequested() {
        assertThat(decide(Operation.PROMOTE, Stage.PROGRESSING, Optional.of(RunControl.PROMOTE)))
                .isInstanceOf(OperationVerdict.AlreadyRequested.class);
        assertThat(decide(Operation.ABORT, Stage.PROGRESSING, Optional.of(RunControl.ABORT)))
                .isInstanceOf(OperationVerdict.AlreadyRequested.class);
        assertThat(decide(Operation.PAUSE, Stage.PROGRESSING, Optional.of(RunControl.PAUSED)))
                .isInstanceOf(OperationVerdict.AlreadyRequested.class);
        // a resume right after a resume, nothing paused it again in between
        assertThat(Operations.decide(Operation.RESUME, Stage.PROGRESSING, CanaryPhase.PROGRESSING, Optional.empty(),
                Optional.of(Operation.RESUME))).isInstanceOf(OperationVerdict.AlreadyRequested.class);
        // once the promotion began, a promote asked before is still the same request
        assertThat(decide(Operation.PROMOTE, Stage.PROMOTING, Optional.of(RunControl.PROMOTE)))
                .isInstanceOf(OperationVerdict.AlreadyRequested.class);
    }

    @Test
    void promoteAndAbortOverrideAPauseButNothingOverridesAnAbort() {
        assertThat(decide(Operation.PROMOTE, Stage.PROGRESSING, Optional.of(RunControl.PAUSED)))
                .isEqualTo(new OperationVerdict.Allowed(Optional.of(RunControl.PROMOTE)));
        assertThat(decide(Operation.ABORT, Stage.PROGRESSING, Optional.of(RunControl.PAUSED)))
                .isEqualTo(new OperationVerdict.Allowed(Optional.of(RunControl.ABORT)));
        // an abort still stops a promote not yet acted on
        assertThat(decide(Operation.ABORT, Stage.PROGRESSING, Optional.of(RunControl.PROMOTE)))
                .isEqualTo(new OperationVerdict.Allowed(Optional.of(RunControl.ABORT)));
        assertThat(refusal(Operation.PROMOTE, Stage.PROGRESSING, Optional.of(RunControl.ABORT)))
                .isEqualTo("an abort was requested: the rollout is rolling back (phase Progressing)");
        assertThat(refusal(Operation.PAUSE, Stage.PROGRESSING, Optional.of(RunControl.ABORT)))
                .isEqualTo("an abort was requested (phase Progressing): nothing to pause");
        assertThat(refusal(Operation.PAUSE, Stage.PROGRESSING, Optional.of(RunControl.PROMOTE)))
                .isEqualTo("a promotion was requested (phase Progressing): nothing to pause");
    }

    @Test
    void resumeNeedsAPause() {
        assertThat(refusal(Operation.RESUME, Stage.PROGRESSING, Optional.empty()))
                .isEqualTo("the rollout is not paused (phase Progressing)");
        assertThat(refusal(Operation.RESUME, Stage.PROGRESSING, Optional.of(RunControl.PROMOTE)))
                .isEqualTo("the rollout is not paused (phase Progressing): a promotion was requested");
        assertThat(refusal(Operation.RESUME, Stage.NO_RUN, Optional.empty()))
                .isEqualTo("no rollout is running (phase Progressing)");
    }

    @Test
    void refusalsNameWhyAndThePhase() {
        assertThat(Operations.decide(Operation.PROMOTE, Stage.WAITING, CanaryPhase.WAITING, Optional.empty(), Optional.empty()))
                .isEqualTo(new OperationVerdict.Refused(
                        "the rollout waits for confirm-rollout (phase Waiting): open that gate to start it, then promote"));
        assertThat(Operations.decide(Operation.ABORT, Stage.PROMOTING, CanaryPhase.FINALISING, Optional.empty(), Optional.empty()))
                .isEqualTo(new OperationVerdict.Refused("the promotion has begun (phase Finalising)"));
        assertThat(Operations.decide(Operation.PAUSE, Stage.ONBOARDING, CanaryPhase.INITIALIZING, Optional.empty(),
                Optional.empty())).isEqualTo(new OperationVerdict.Refused(
                        "the canary is being initialized (phase Initializing): no rollout to operate yet"));
        assertThat(Operations.decide(Operation.ABORT, Stage.NO_RUN, CanaryPhase.SUCCEEDED, Optional.empty(), Optional.empty()))
                .isEqualTo(new OperationVerdict.Refused("no rollout is running (phase Succeeded)"));
        assertThatThrownBy(() -> Operations.decide(Operation.RETRY, Stage.NO_RUN, CanaryPhase.FAILED, Optional.empty(),
                Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStageReadsThePhaseAgainstTheRunsStart() {
        assertThat(Stage.of(Optional.empty(), CanaryPhase.PROGRESSING, AFTER)).isEqualTo(Stage.NO_RUN);
        Optional<Instant> run = Optional.of(RUN_START);
        assertThat(Stage.of(run, CanaryPhase.INITIALIZING, AFTER)).isEqualTo(Stage.ONBOARDING);
        assertThat(Stage.of(run, CanaryPhase.INITIALIZED, BEFORE)).isEqualTo(Stage.STARTING);
        // the previous run's end, before this run started / this run's own end
        assertThat(Stage.of(run, CanaryPhase.SUCCEEDED, BEFORE)).isEqualTo(Stage.STARTING);
        assertThat(Stage.of(run, CanaryPhase.FAILED, BEFORE)).isEqualTo(Stage.STARTING);
        assertThat(Stage.of(run, CanaryPhase.SUCCEEDED, AFTER)).isEqualTo(Stage.ENDING);
        assertThat(Stage.of(run, CanaryPhase.FAILED, AFTER)).isEqualTo(Stage.ENDING);
        assertThat(Stage.of(run, CanaryPhase.WAITING, AFTER)).isEqualTo(Stage.WAITING);
        assertThat(Stage.of(run, CanaryPhase.PROGRESSING, AFTER)).isEqualTo(Stage.PROGRESSING);
        assertThat(Stage.of(run, CanaryPhase.WAITING_PROMOTION, AFTER)).isEqualTo(Stage.WAITING_PROMOTION);
        assertThat(Stage.of(run, CanaryPhase.PROMOTING, AFTER)).isEqualTo(Stage.PROMOTING);
        assertThat(Stage.of(run, CanaryPhase.FINALISING, AFTER)).isEqualTo(Stage.PROMOTING);
        assertThat(Stage.of(run, CanaryPhase.TERMINATING, AFTER)).isEqualTo(Stage.ENDING);
    }

    @Test
    void aRetryNeedsAFailedLastRunAndNothingRunning() {
        Optional<Operations.LastRun> failed = Optional.of(new Operations.LastRun("r1", "6.7.1", "Failed", true));
        assertThat(Operations.decideRetry(Optional.empty(), failed, 0)).isInstanceOf(OperationVerdict.Allowed.class);
        assertThat(Operations.decideRetry(Optional.of("r2"), failed, 0)).isEqualTo(new OperationVerdict.Refused(
                "a rollout is running (run r2): abort it first, or wait for it to end"));
        assertThat(Operations.decideRetry(Optional.empty(), Optional.empty(), 0))
                .isEqualTo(new OperationVerdict.Refused("the canary has no previous rollout to retry"));
        assertThat(Operations.decideRetry(Optional.empty(),
                Optional.of(new Operations.LastRun("r1", "6.7.1", "Superseded", false)), 0))
                .isEqualTo(new OperationVerdict.Refused(
                        "the last rollout (run r1, revision 6.7.1) ended Superseded, not Failed: only a failed rollout is retried"));
        assertThat(Operations.decideRetry(Optional.empty(), failed, Operations.MAX_RETRIES - 1))
                .isInstanceOf(OperationVerdict.Allowed.class);
        assertThat(Operations.decideRetry(Optional.empty(), failed, Operations.MAX_RETRIES))
                .isInstanceOf(OperationVerdict.Refused.class);
    }

    @Test
    void theEventsNameTheCallerAndTheReason() {
        var id = new dev.flagstep.spec.CanaryId("test", "podinfo");
        var promote = OperationMessages.requested(id, Operation.PROMOTE, "arn:aws:iam::1:user/ana", "metrics fine");
        assertThat(promote.text()).isEqualTo("Promotion of podinfo.test requested by arn:aws:iam::1:user/ana: metrics fine");
        assertThat(promote.severity()).isEqualTo(dev.flagstep.analysis.Message.Severity.NORMAL);
        var abort = OperationMessages.requested(id, Operation.ABORT, "arn:aws:iam::1:user/ana", "");
        assertThat(abort.text()).isEqualTo("Abort of podinfo.test requested by arn:aws:iam::1:user/ana");
        assertThat(abort.severity()).isEqualTo(dev.flagstep.analysis.Message.Severity.WARNING);
    }

    private static OperationVerdict decide(Operation op, Stage stage, Optional<RunControl> control) {
        return Operations.decide(op, stage, CanaryPhase.PROGRESSING, control, Optional.empty());
    }

    private static String refusal(Operation op, Stage stage, Optional<RunControl> control) {
        return ((OperationVerdict.Refused) decide(op, stage, control)).why();
    }
}

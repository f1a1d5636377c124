package dev.flagstep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.operation.Approval;
import dev.flagstep.operation.Operation;
import dev.flagstep.operation.RunControl;
import dev.flagstep.operation.RunOperation;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.DynamoTableExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the manual operations keep on a run (docs/api.md): its control, operations, approvals, retries, the history. */
class RunOperationsStoreTest {

    @RegisterExtension
    static final DynamoTableExtension dynamo = new DynamoTableExtension();

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final AtomicInteger CANARIES = new AtomicInteger();
    private final CanaryStore store = dynamo.store(Clock.fixed(T0, ZoneOffset.UTC));

    private CanaryId canary() {
        CanaryId id = new CanaryId("test", "ops-" + CANARIES.incrementAndGet());
        store.putSpec(id, "spec: {}");
        return id;
    }

    private static RunOperation op(Operation o, String who) {
        return new RunOperation(o, who, "because", T0.plusSeconds(1));
    }

    @Test
    void anOperationMovesTheControlOnlyFromWhatItWasDecidedFrom() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);

        assertThat(store.control(id, "run-1", Optional.empty(), Optional.of(RunControl.PAUSED), op(Operation.PAUSE, "ana")))
                .contains(Optional.empty());
        // a second operator who read no control loses: nothing written
        assertThat(store.control(id, "run-1", Optional.empty(), Optional.of(RunControl.ABORT), op(Operation.ABORT, "bob")))
                .isEmpty();

        Run run = store.run(id, "run-1").orElseThrow();
        assertThat(run.control()).contains(RunControl.PAUSED);
        assertThat(run.operations()).containsExactly(op(Operation.PAUSE, "ana"));
        assertThat(run.lastOperation()).contains(op(Operation.PAUSE, "ana"));
    }

    @Test
    void aParkedPauseIsTakenByTheChangeThatEndsIt() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);
        assertThat(store.parkPaused(id, "run-1", "token-0", T0)).as("not paused: go on").isFalse();
        store.control(id, "run-1", Optional.empty(), Optional.of(RunControl.PAUSED), op(Operation.PAUSE, "ana"));

        assertThat(store.parkPaused(id, "run-1", "token-1", T0)).isTrue();
        assertThat(store.run(id, "run-1").orElseThrow().pausedSince()).contains(T0);
        assertThat(store.control(id, "run-1", Optional.of(RunControl.PAUSED), Optional.empty(), op(Operation.RESUME, "ana")))
                .contains(Optional.of("token-1"));
        assertThat(store.run(id, "run-1").orElseThrow().pausedSince()).isEmpty();

        // resumed: a late park of the same pause does not stick, and nothing is left to take
        assertThat(store.parkPaused(id, "run-1", "token-2", T0)).isFalse();
        assertThat(store.control(id, "run-1", Optional.empty(), Optional.of(RunControl.ABORT), op(Operation.ABORT, "ana")))
                .contains(Optional.empty());
        assertThat(store.run(id, "run-1").orElseThrow().operations()).extracting(RunOperation::operation)
                .containsExactly(Operation.PAUSE, Operation.RESUME, Operation.ABORT);
    }

    @Test
    void aFinishedRunTakesNoOperation() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);
        store.finishRun(id, "run-1", RunResult.SUCCEEDED, T0);

        assertThat(store.control(id, "run-1", Optional.empty(), Optional.of(RunControl.PROMOTE), op(Operation.PROMOTE, "a")))
                .isEmpty();
        assertThat(store.run(id, "run-1").orElseThrow().operations()).isEmpty();
    }

    @Test
    void approvalsAreKeptInOrder() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);
        Approval first = new Approval("confirm-rollout", "arn:aws:iam::1:user/ana", "go", T0);
        Approval second = new Approval("confirm-promotion", "arn:aws:iam::1:user/bob", "ship it", T0.plusSeconds(5));

        store.recordApproval(id, "run-1", first);
        store.recordApproval(id, "run-1", second);
        store.recordApproval(id, "no-such-run", first);

        assertThat(store.run(id, "run-1").orElseThrow().approvals()).containsExactly(first, second);
        assertThat(store.run(id, "no-such-run")).isEmpty();
    }

    @Test
    void aRetryClaimsTheCanaryOnlyAfterAFailedRunAndWithNothingRunning() {
        CanaryId id = canary();
        store.claimRun(id, "run-1", "rev-1", T0);
        RunOperation retry = op(Operation.RETRY, "ana");

        assertThat(store.claimRetry(id, "run-1-retry1", "rev-1", "run-1", retry, T0)).as("run-1 still runs").isFalse();
        store.finishRun(id, "run-1", RunResult.SUCCEEDED, T0);
        assertThat(store.claimRetry(id, "run-1-retry1", "rev-1", "run-1", retry, T0)).as("run-1 succeeded").isFalse();
        assertThat(store.activeRun(id)).isEmpty();

        store.claimRun(id, "run-2", "rev-2", T0.plusSeconds(10));
        store.finishRun(id, "run-2", RunResult.FAILED, T0.plusSeconds(20));
        assertThat(store.claimRetry(id, "run-2-retry1", "rev-2", "run-2", retry, T0.plusSeconds(30))).isTrue();

        assertThat(store.activeRun(id)).contains(new ActiveRun("run-2-retry1", "rev-2", T0.plusSeconds(30)));
        Run run = store.run(id, "run-2-retry1").orElseThrow();
        assertThat(run.retryOf()).contains("run-2");
        assertThat(run.result()).isEqualTo(RunResult.RUNNING);
        assertThat(run.operations()).containsExactly(retry);
        // the same name twice never claims twice
        store.finishRun(id, "run-2-retry1", RunResult.FAILED, T0.plusSeconds(40));
        assertThat(store.claimRetry(id, "run-2-retry1", "rev-2", "run-2", retry, T0.plusSeconds(50))).isFalse();
    }

    @Test
    void theHistoryIsNewestFirstInPages() {
        CanaryId id = canary();
        for (int i = 0; i < 5; i++) {
            // ids that sort against time: the history orders by start, not by id
            String runId = "run-" + (9 - i);
            store.claimRun(id, runId, "rev-" + i, T0.plusSeconds(i * 60L));
            store.finishRun(id, runId, i % 2 == 0 ? RunResult.SUCCEEDED : RunResult.FAILED, T0.plusSeconds(i * 60L + 30));
        }
        List<String> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            Page<Run> page = store.runs(id, 2, cursor);
            page.items().forEach(r -> seen.add(r.runId()));
            cursor = page.next();
            pages++;
        } while (cursor.isPresent());

        assertThat(seen).containsExactly("run-5", "run-6", "run-7", "run-8", "run-9");
        assertThat(pages).isEqualTo(3);
        assertThat(store.runs(id, 10, Optional.empty()).next()).isEmpty();
        assertThatThrownBy(() -> store.runs(id, 2, Optional.of("bogus"))).isInstanceOf(IllegalArgumentException.class);
    }
}

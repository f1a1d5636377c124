package dev.flagstep.store;

import dev.flagstep.operation.Approval;
import dev.flagstep.operation.RunControl;
import dev.flagstep.operation.RunOperation;
import dev.flagstep.spec.CanaryId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One rollout of one revision: when it ran, how it ended, and the canary weights it set over time; what operators
 * did to it ({@code operations}, the pending {@code control}), who approved its gates, the failed run it retries, and
 * since when it is parked on its pause ({@code pausedSince}: WaitForResume holds its task token).
 */
public record Run(
        CanaryId canary,
        String runId,
        String revision,
        Instant startedAt,
        Optional<Instant> endedAt,
        RunResult result,
        List<WeightPoint> weights,
        Optional<String> supersededBy,
        Optional<String> retryOf,
        Optional<RunControl> control,
        List<RunOperation> operations,
        List<Approval> approvals,
        Optional<Instant> pausedSince) {

    public Run {
        weights = List.copyOf(weights);
        operations = List.copyOf(operations);
        approvals = List.copyOf(approvals);
    }

    /** A run nobody operated on. */
    public Run(CanaryId canary, String runId, String revision, Instant startedAt, Optional<Instant> endedAt,
            RunResult result, List<WeightPoint> weights, Optional<String> supersededBy) {
        this(canary, runId, revision, startedAt, endedAt, result, weights, supersededBy, Optional.empty(),
                Optional.empty(), List.of(), List.of(), Optional.empty());
    }

    /** The latest operation on the run, if any. */
    public Optional<RunOperation> lastOperation() {
        return operations.isEmpty() ? Optional.empty() : Optional.of(operations.getLast());
    }

    /** One point of the weight timeline. */
    public record WeightPoint(int weight, Instant at) {}
}

package dev.flagstep.phases;

import dev.flagstep.spec.CanaryId;

/**
 * What a phase Lambda returns: the execution's whole state ({@code canary, runId, revision,
 * intervalSeconds}), the {@code decision} the next Choice state switches on (a {@link Decision}'s wire string), and how long a waiting
 * state may park on a gate ({@code waitSeconds}).
 */
public record PhaseOutput(
        CanaryId canary, String runId, String revision, int intervalSeconds, int waitSeconds, String decision) {

    public static PhaseOutput of(PhaseInput in, Decision decision) {
        return new PhaseOutput(in.canary(), in.runId(), in.revision(), in.intervalSeconds(), in.intervalSeconds(),
                decision.wire());
    }
}

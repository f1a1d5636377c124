package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One rollout of one revision: when it ran, how it ended, and the canary weights it set over time. */
public record Run(
        CanaryId canary,
        String runId,
        String revision,
        Instant startedAt,
        Optional<Instant> endedAt,
        RunResult result,
        List<WeightPoint> weights,
        Optional<String> supersededBy) {

    public Run {
        weights = List.copyOf(weights);
    }

    /** One point of the weight timeline. */
    public record WeightPoint(int weight, Instant at) {}
}

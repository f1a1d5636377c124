package dev.flagstep.store;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.spec.CanaryId;
import java.util.Optional;

/** One row of {@code GET /canaries}: read from the status index, without the document itself. */
public record CanarySummary(
        CanaryId canary, long specVersion, Optional<Versioned<CanaryStatus>> status, Optional<ActiveRun> activeRun) {}

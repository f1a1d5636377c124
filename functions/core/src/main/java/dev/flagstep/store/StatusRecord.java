package dev.flagstep.store;

import dev.flagstep.analysis.CanaryStatus;
import java.util.Optional;

/** A canary's status with the version a write must be conditioned on, and the last tick's memo. */
public record StatusRecord(CanaryStatus status, long version, Optional<TickMemo> memo) {}

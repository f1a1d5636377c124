package dev.flagstep.store;

import java.time.Instant;
import java.util.Optional;

/**
 * What the last phase of a rollout decided, saved with the status in the same conditional write: a
 * task Step Functions delivers twice (same {@code tick}) is answered from here instead of acting
 * twice. {@code gateClosedSince} carries the start of a closed confirm gate across ticks.
 */
public record TickMemo(String tick, String decision, Optional<Instant> gateClosedSince) {}

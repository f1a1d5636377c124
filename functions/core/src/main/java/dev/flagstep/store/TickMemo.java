package dev.flagstep.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The phase tick that last wrote a canary's status, saved with the status in the same conditional
 * write. A phase first claims its tick (an empty {@code decision}, {@code leaseUntil} set to the end of
 * its own invocation), acts, then saves its decision: a task Step Functions delivers twice (same
 * {@code tick}) is answered from here, and a copy running at the same time as another waits for it
 * instead of acting twice. {@code gateClosedSince} carries the start of a closed confirm gate across
 * ticks; {@code waitSeconds} is how long the decision asked the state machine to wait.
 */
public record TickMemo(String tick, String decision, Optional<Instant> gateClosedSince, int waitSeconds,
        Optional<Instant> leaseUntil) {

    /** A finished tick that asked for no particular wait. */
    public TickMemo(String tick, String decision, Optional<Instant> gateClosedSince) {
        this(tick, decision, gateClosedSince, 0, Optional.empty());
    }

    /** Claimed by a delivery that has not decided yet. */
    public boolean inProgress() {
        return decision.isEmpty();
    }
}

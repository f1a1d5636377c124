package dev.flagstep.store;

import java.util.Optional;

/** The answer to claiming a canary for a rollout: one run per canary at a time. */
public sealed interface ClaimResult {

    /** This run now holds the canary. {@code superseded} names the run it replaced, if any. */
    record Claimed(Run run, Optional<String> superseded) implements ClaimResult {}

    /**
     * The same revision is already rolling out: starting it again is a no-op, and {@code run} is the
     * run that holds the claim (its id may differ from the one asked for).
     */
    record AlreadyActive(Run run) implements ClaimResult {}

    /**
     * Another revision holds the canary. Nothing was written; call {@code supersede} to replace it
     * (the caller decides, e.g. after stopping the old execution).
     */
    record Superseding(ActiveRun active) implements ClaimResult {}
}

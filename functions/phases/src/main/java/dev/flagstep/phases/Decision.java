package dev.flagstep.phases;

import java.util.Arrays;

/**
 * What a phase handler answers the state machine: the {@code *Decision} Choice state after each phase's
 * Task in statemachine/canary.asl.json branches on the wire string ({@code $.decision}). One list, so
 * that a handler cannot answer a name the ASL does not know (CanaryDefinitionTest checks both ways).
 */
public enum Decision {
    /** Initialize: the canary is initialised (Flagger's Initialized); confirm the rollout. */
    INITIALIZED("initialized"),
    /** Initialize: a new revision arrived mid-rollout (Flagger's restart); analyse it from the start. */
    RESTARTED("restarted"),
    /** Nothing to roll out, or a Promote tick that finished the promotion: go on without analysis. */
    DONE("done"),
    /** Another execution holds this canary's newer run: this one steps aside. */
    SUPERSEDED("superseded"),
    /** Initialize: the primary is not ready yet; initialise again after an interval. */
    INITIALIZING("initializing"),
    /** A failed check (counted towards the threshold), a failed promotion, or a failed post-rollout. */
    FAILED("failed"),
    /** A gate (confirm-rollout, confirm-promotion) is open. */
    OPEN("open"),
    /** A gate is closed: wait on it. */
    CLOSED("closed"),
    /** Roll back (Flagger's rollback hook, threshold or progress deadline). */
    ROLLBACK("rollback"),
    /** StartRollout: the analysis starts (Flagger's Progressing). */
    STARTED("started"),
    /** StartRollout: {@code skipAnalysis} is set; promote at once. */
    SKIP_ANALYSIS("skipAnalysis"),
    /** The primary or canary is not ready yet (Flagger's IsPrimaryReady/IsCanaryReady); tick again later. */
    NOT_READY("notReady"),
    /** The checks passed and traffic moved (or a step held it): analyse again after an interval. */
    ADVANCED("advanced"),
    /** The checks passed at the last step: the analysis is complete, confirm the promotion. */
    PROMOTE("promote"),
    /** Promote: one step of the primary's traffic moved (Flagger's Promoting). */
    STEPPED("stepped"),
    /** Promote: nothing to promote (Flagger's skipped promotion). */
    SKIPPED("skipped"),
    /** Finalise: the primary serves all traffic (Flagger's Finalising done). */
    FINALISED("finalised"),
    /** Rollback: traffic is back on the primary; the next state is PostRollout whatever the answer. */
    ROLLED_BACK("rolledBack"),
    /** PostRollout: the rollout succeeded (anything else ends the execution failed). */
    SUCCEEDED("succeeded"),
    /** An operator paused the run (Analysis, PreRollout): park until resumed (WaitForResume). */
    PAUSED("paused"),
    /** The answer of an invocation that parked a task token: the ASL reads the token's result instead. */
    PARKED("parked");

    private final String wire;

    Decision(String wire) {
        this.wire = wire;
    }

    /** The string the ASL's Choice states compare {@code $.decision} with. */
    public String wire() {
        return wire;
    }

    /** The decision with this wire string; an unknown one is a programming error. */
    public static Decision of(String wire) {
        return Arrays.stream(values()).filter(d -> d.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown decision: " + wire));
    }
}

package dev.flagstep.store;

/** The answer to parking a task token on a gate. */
public sealed interface ParkResult {

    /** The token is stored; whoever opens the gate will get it back from {@code openGate}. */
    record Parked() implements ParkResult {}

    /** The gate was opened first: do not wait, go on now. Nothing was stored. */
    record AlreadyOpen(Gate gate) implements ParkResult {}
}

package dev.flagstep.operation;

import java.util.Arrays;
import java.util.Optional;

/**
 * What an operator asked of a running run, kept on the run until the run ends: the phases read it at the top of each
 * tick. At most one at a time: promote and abort replace a pause; nothing replaces an abort.
 */
public enum RunControl {
    /** Hold: no checks, no weight change; the state machine parks until resumed. */
    PAUSED("pause"),
    /** Skip the rest of the analysis and promote. */
    PROMOTE("promote"),
    /** Roll back. */
    ABORT("abort");

    private final String wire;

    RunControl(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<RunControl> fromWire(String wire) {
        return Arrays.stream(values()).filter(c -> c.wire.equals(wire)).findFirst();
    }
}

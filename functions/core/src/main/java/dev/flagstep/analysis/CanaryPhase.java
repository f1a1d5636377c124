package dev.flagstep.analysis;

import java.util.Arrays;
import java.util.Optional;

/** Flagger's canary phases ({@code status.phase}); a new canary's empty phase reads as Initializing. */
public enum CanaryPhase {
    INITIALIZING("Initializing"),
    INITIALIZED("Initialized"),
    WAITING("Waiting"),
    PROGRESSING("Progressing"),
    WAITING_PROMOTION("WaitingPromotion"),
    PROMOTING("Promoting"),
    FINALISING("Finalising"),
    SUCCEEDED("Succeeded"),
    FAILED("Failed"),
    TERMINATING("Terminating"),
    TERMINATED("Terminated");

    private final String wireName;

    CanaryPhase(String wireName) {
        this.wireName = wireName;
    }

    /** The value Flagger writes and webhook receivers switch on. */
    public String wireName() {
        return wireName;
    }

    public static Optional<CanaryPhase> fromWire(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of(INITIALIZING);
        }
        return Arrays.stream(values()).filter(p -> p.wireName.equals(value)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}

package dev.flagstep.analysis;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Flagger's {@code MakeStatusConditions}: the single {@code Promoted} condition, derived from the phase. */
public final class StatusConditions {

    public static final String PROMOTED = "Promoted";
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private StatusConditions() {}

    /** The condition status: True once promoted or initialized, False on failure, else Unknown. */
    public static String statusFor(CanaryPhase phase) {
        return switch (phase) {
            case INITIALIZED, SUCCEEDED -> TRUE;
            case FAILED -> FALSE;
            default -> UNKNOWN;
        };
    }

    /** Flagger's message for each phase; Terminating/Terminated fall back to the initializing text. */
    public static String messageFor(CanaryPhase phase, String targetKind) {
        return switch (phase) {
            case INITIALIZED -> targetKind + " initialization completed.";
            case WAITING, WAITING_PROMOTION -> "Waiting for approval.";
            case PROGRESSING -> "New revision detected, progressing canary analysis.";
            case PROMOTING -> "Canary analysis completed, starting primary rolling update.";
            case FINALISING -> "Canary analysis completed, routing all traffic to primary.";
            case SUCCEEDED -> "Canary analysis completed successfully, promotion finished.";
            case FAILED -> "Canary analysis failed, " + targetKind + " scaled to zero.";
            case INITIALIZING, TERMINATING, TERMINATED -> "New " + targetKind + " detected, starting initialization.";
        };
    }

    /**
     * The new conditions for a move to {@code phase}, or empty when Flagger leaves them alone (same
     * status and same reason). A condition whose status does not change keeps its
     * lastTransitionTime; lastUpdateTime is always {@code now}.
     */
    public static Optional<List<StatusCondition>> forPhase(
            List<StatusCondition> current, CanaryPhase phase, String targetKind, Instant now) {
        String status = statusFor(phase);
        String reason = phase.wireName();
        Optional<StatusCondition> existing =
                current.stream().filter(c -> PROMOTED.equals(c.type())).findFirst();
        if (existing.isPresent()
                && existing.get().status().equals(status)
                && existing.get().reason().equals(reason)) {
            return Optional.empty();
        }
        Instant transition = existing.filter(c -> c.status().equals(status))
                .map(StatusCondition::lastTransitionTime)
                .orElse(now);
        return Optional.of(List.of(
                new StatusCondition(PROMOTED, status, reason, messageFor(phase, targetKind), now, transition)));
    }
}

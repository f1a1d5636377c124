package dev.flagstep.analysis;

import java.time.Instant;

/** Flagger's single condition, type {@code Promoted}: status True/False/Unknown, reason = the phase. */
public record StatusCondition(
        String type, String status, String reason, String message, Instant lastUpdateTime, Instant lastTransitionTime) {}

package dev.flagstep.operation;

import java.time.Instant;

/** One operation as the run's history shows it: what, who (the caller's IAM ARN), why, when. */
public record RunOperation(Operation operation, String who, String reason, Instant when) {}

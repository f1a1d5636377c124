package dev.flagstep.store;

import java.time.Instant;

/** The claim a running rollout holds on its canary (at most one per canary). */
public record ActiveRun(String runId, String revision, Instant since) {}

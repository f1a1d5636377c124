package dev.flagstep.operation;

import java.time.Instant;

/** A gate opened while a run waited on it (or an operator's promote): who approved the run, for its history. */
public record Approval(String gate, String who, String why, Instant when) {}

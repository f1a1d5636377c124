package dev.flagstep.sync;

/** What revision detection decided for one canary in one pass. */
public sealed interface Detection {

    /** A new revision: start its rollout ({@code {checksum}-g{generation}}, superseding a running one). */
    record Start(String revision) implements Detection {}

    /** Nothing to start, and why (for the pass's log). */
    record Unchanged(String reason) implements Detection {}
}

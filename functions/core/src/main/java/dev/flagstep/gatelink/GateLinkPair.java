package dev.flagstep.gatelink;

import java.net.URI;

/** The two links of a closed gate's message: open it, or roll the rollout back. */
public record GateLinkPair(URI approve, URI rollback) {}

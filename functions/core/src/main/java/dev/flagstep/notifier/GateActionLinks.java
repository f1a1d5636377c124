package dev.flagstep.notifier;

import java.net.URI;

/** The one-click answers to a closed gate: open it, or roll the release back. */
public record GateActionLinks(URI approve, URI rollback) {}

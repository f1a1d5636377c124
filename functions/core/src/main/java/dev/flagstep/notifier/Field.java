package dev.flagstep.notifier;

/** One line of an alert's details (Flagger's {@code notifier.Field}): "Cluster", "Target", "Traffic routing", ... */
public record Field(String name, String value) {}

package dev.flagstep.spec;

import java.util.Optional;

/** One entry of {@code analysis.alerts}: where Flagger would send alerts, and from which severity. */
public record AlertRef(String name, String severity, String providerName, Optional<String> providerNamespace) {}

package dev.flagstep.spec;

import java.util.Optional;

/** {@code metrics[].templateRef}: a MetricTemplate by name, in the canary's namespace unless one is given. */
public record TemplateRef(String name, Optional<String> namespace) {}

package dev.flagstep.spec;

/** A Flagger {@code MetricTemplate} shipped in the same file as the Canary ({@code ---}-separated). */
public record MetricTemplate(String namespace, String name, MetricProviderSpec provider, String query) {}

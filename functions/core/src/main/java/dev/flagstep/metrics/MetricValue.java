package dev.flagstep.metrics;

/**
 * One metric's observed value in a passing analysis tick. For {@code request-duration} it is whole
 * milliseconds, as Flagger compares it; for everything else the raw query result.
 */
public record MetricValue(String metric, double value) {}

/**
 * Flagger's custom resources in the cluster ({@code Canary}, {@code MetricTemplate}, {@code AlertProvider}):
 * how flagstep writes a canary's status and events back onto its object ({@link dev.flagstep.crd.CanaryObjects}).
 */
package dev.flagstep.crd;

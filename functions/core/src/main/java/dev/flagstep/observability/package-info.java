/**
 * What flagstep tells CloudWatch about its rollouts, as pure builders of embedded-metric-format (EMF)
 * documents: {@link dev.flagstep.observability.FlaggerMetrics} under Flagger's Prometheus metric names,
 * {@link dev.flagstep.observability.RolloutFigures} for the rollout-level figures (deployment frequency,
 * change-failure rate, time in gates), both written through {@link dev.flagstep.observability.EmfDocument}.
 * Nothing here writes anywhere: the phases decide when, and print the documents only inside Lambda.
 */
package dev.flagstep.observability;

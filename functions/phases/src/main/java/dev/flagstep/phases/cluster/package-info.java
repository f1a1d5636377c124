/**
 * One canary's workloads and traffic on the cluster, as the phases act on them: the port
 * ({@link dev.flagstep.phases.cluster.CanaryCluster}) and its adapter on the Kubernetes API
 * ({@link dev.flagstep.phases.cluster.KubeCanaryCluster}: the provider's router plus the Deployment operations).
 */
package dev.flagstep.phases.cluster;

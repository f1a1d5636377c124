/**
 * Faults of the servers flagstep depends on, for end-to-end tests of the local runtime: a TCP proxy that
 * can refuse connections or answer with canned HTTP errors in front of the simulated Kubernetes API and
 * DynamoDB Local, and the answers DynamoDB gives when it throttles.
 */
package dev.flagstep.local.faults;

/**
 * The simulated cluster of {@code flagstep demo} and {@code flagstep run --simulate}: fabric8's Kubernetes mock
 * server in CRUD mode on loopback, seeded with what a user already has, and a small loop standing in for the
 * kubelet, the Deployment controller and a Gateway API controller, with fault knobs for end-to-end tests.
 */
package dev.flagstep.local.sim;

/**
 * The simulated cluster of {@code flagstep demo} and {@code flagstep run --simulate}: fabric8's Kubernetes mock
 * server in CRUD mode on loopback, behind a front that serves the API server's service proxy to local servers
 * backing Services ({@code --service}), seeded with what a user already has, and a small loop standing in for the
 * kubelet, the Deployment controller and a Gateway API controller, with fault knobs for end-to-end tests. The front
 * also answers kubectl (discovery, Tables, watches, field selectors, merge and strategic merge patches, the status
 * subresource), with flagstep's CRDs for Flagger's kinds installed.
 */
package dev.flagstep.local.sim;

/**
 * Where flagstep may send requests whose address a canary chooses (webhooks, event hooks, metrics
 * providers), and how. {@link dev.flagstep.net.ClusterServices} is the one rule telling cluster Service
 * URLs ({@code http://flagger-loadtester.test/}) from the rest; a {@link dev.flagstep.net.ServiceRouter}
 * sends those through the Kubernetes API server's service proxy ({@link dev.flagstep.net.Route.Proxied})
 * and the rest directly ({@link dev.flagstep.net.Route.Direct}). Direct requests pass
 * {@link dev.flagstep.net.AddressGuard}, which refuses loopback, link-local, AWS-internal and unspecified
 * addresses and the Lambda runtime API in the AWS deployment, and lets the local runtime reach loopback.
 * It checks every hop before the request and, through {@link dev.flagstep.net.GuardedResolverProvider},
 * every address the HTTP client resolves to connect.
 */
package dev.flagstep.net;

/**
 * Where flagstep may send requests whose address a canary chooses (webhooks, event hooks, metrics
 * providers): {@link dev.flagstep.net.AddressGuard} refuses loopback, link-local, AWS-internal and
 * unspecified addresses and the Lambda runtime API in the AWS deployment, and lets the local runtime
 * reach loopback. It checks every hop before the request and, through
 * {@link dev.flagstep.net.GuardedResolverProvider}, every address the HTTP client resolves to connect.
 */
package dev.flagstep.net;

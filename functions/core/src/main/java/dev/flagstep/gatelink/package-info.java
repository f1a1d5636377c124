/**
 * One-click gate links: signed, expiring, single-use "Approve" and "Roll back" links to the API that a
 * chat message about a closed gate carries (docs/security.md, "Gate links").
 *
 * <ul>
 *   <li>{@link dev.flagstep.gatelink.GateLinkSigner}: the token, HMAC-SHA256 over what the link may do
 *       ({@link dev.flagstep.gatelink.GateLinkClaims}); pure.
 *   <li>{@link dev.flagstep.gatelink.GateLinkMinter}: the pair of links for a closed gate of a run.
 *   <li>{@link dev.flagstep.gatelink.GateLinkUses}: the port that spends a link once (DynamoDB on AWS
 *       and locally: {@code dev.flagstep.store.DynamoDbGateLinkUses}).
 *   <li>{@link dev.flagstep.gatelink.GateLinkSettings}: whether links are on, their key and lifetime,
 *       from the function's environment.
 * </ul>
 */
package dev.flagstep.gatelink;

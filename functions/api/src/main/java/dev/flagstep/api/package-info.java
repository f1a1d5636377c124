/** The HTTP API (API Gateway payload v2) and the EventBridge rollout triggers. */
package dev.flagstep.api;

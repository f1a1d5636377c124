/**
 * Canary events and where they go: {@link dev.flagstep.events.EventBridgePublisher} (PutEvents, source
 * {@code flagstep}, detail-type {@code Canary Event}, detail {@link dev.flagstep.events.CanaryEventJson}).
 * The canary's own event history is kept by the store ({@code dev.flagstep.store.EventHistory}). Delivery
 * failures are returned in a {@link dev.flagstep.events.PublishResult} and logged, never thrown into a rollout.
 */
package dev.flagstep.events;

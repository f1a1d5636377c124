/**
 * Canary events and where they go: {@link dev.flagstep.events.EventBridgePublisher} (PutEvents, source
 * {@code flagstep}, detail-type {@code Canary Event}, detail {@link dev.flagstep.events.CanaryEventJson}),
 * {@link dev.flagstep.events.HistoryPublisher} (the store's event history) and
 * {@link dev.flagstep.events.CompositePublisher}. Delivery failures are returned in a
 * {@link dev.flagstep.events.PublishResult} and logged, never thrown into a rollout.
 */
package dev.flagstep.events;

/**
 * Flagger's alerts delivered where teams live: the message each provider type posts (Slack, Microsoft Teams,
 * Discord, Rocket.Chat, Google Chat, one {@link dev.flagstep.notifier.MessageFormat} each, as Flagger's
 * {@code pkg/notifier} builds them), the severity filter and fields of its {@code alert()}, the AlertProviders of
 * {@code analysis.alerts} or else the stack's global notifier, and a POST that never blocks or fails a release.
 */
package dev.flagstep.notifier;

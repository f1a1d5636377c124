package dev.flagstep.analysis;

import java.util.Optional;

/**
 * One Kubernetes-style event Flagger would record: its type and exact text. {@code recordedPhase}
 * is set where Flagger records the event on a copy of the canary with another phase (Progressing for
 * "New revision detected! Scaling up", Failed for "Canary failed!"); event webhooks send that phase.
 * Otherwise the event carries the status phase at the time it is published.
 */
public record Message(Severity severity, String text, Optional<CanaryPhase> recordedPhase) {

    /** Kubernetes event types; Flagger's "error" events are Warnings too. */
    public enum Severity {
        NORMAL("Normal"),
        WARNING("Warning");

        private final String wireName;

        Severity(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public static Message normal(String text) {
        return new Message(Severity.NORMAL, text, Optional.empty());
    }

    public static Message warning(String text) {
        return new Message(Severity.WARNING, text, Optional.empty());
    }

    public Message asPhase(CanaryPhase phase) {
        return new Message(severity, text, Optional.of(phase));
    }

    public boolean isWarning() {
        return severity == Severity.WARNING;
    }
}

package dev.flagstep.analysis;

/** An alert Flagger would send to the canary's alert providers (filtered by severity there). */
public record Alert(Severity severity, String text) {

    public enum Severity {
        INFO, WARN, ERROR
    }
}

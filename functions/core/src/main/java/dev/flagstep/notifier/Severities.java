package dev.flagstep.notifier;

import dev.flagstep.analysis.Alert;

/**
 * Flagger's filter in {@code alert()}: an alert of severity {@code info} gets everything, {@code warn} gets
 * warnings and errors, {@code error} errors only (so: the alert's severity or above). Pure.
 */
public final class Severities {

    private Severities() {}

    /**
     * @param subscribed an {@code analysis.alerts[].severity} ({@code info}, {@code warn}, {@code error};
     *     the reader defaults an empty one to {@code info}, as Flagger's docs say)
     */
    public static boolean sends(String subscribed, Alert.Severity severity) {
        return switch (subscribed) {
            case "info" -> true;
            case "warn" -> severity == Alert.Severity.WARN || severity == Alert.Severity.ERROR;
            case "error" -> severity == Alert.Severity.ERROR;
            default -> false;
        };
    }

    /** The severity as Flagger's notifiers are given it. */
    public static String wireName(Alert.Severity severity) {
        return switch (severity) {
            case INFO -> "info";
            case WARN -> "warn";
            case ERROR -> "error";
        };
    }
}

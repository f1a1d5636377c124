package dev.flagstep.local.cli;

import java.util.Locale;

/**
 * One canary's progress as a person reads it: phase, a weight bar, failed checks against the
 * threshold, and the last event. Rendered the same way on a terminal (redrawn in place) and in a pipe
 * (one line per change).
 */
public record ProgressLine(String canary, String phase, int canaryWeight, int failedChecks, int threshold, String lastEvent) {

    static final int BAR_WIDTH = 20;

    public String render() {
        int filled = Math.max(0, Math.min(BAR_WIDTH, Math.round(canaryWeight * BAR_WIDTH / 100f)));
        String bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
        return String.format(Locale.ROOT, "%-22s %-16s [%s] %3d%%  failed %d/%d  %s",
                canary, phase, bar, canaryWeight, failedChecks, threshold, lastEvent);
    }
}

package dev.flagstep.local.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shows long work as it happens. On a terminal the lines are redrawn in place (ANSI cursor-up);
 * piped, each change is printed once as a plain line, so logs stay readable.
 */
public final class Progress {

    private final PrintStream out;
    private final boolean terminal;
    private final Map<String, String> shown = new LinkedHashMap<>();
    private int drawnLines;

    public Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A terminal that understands ANSI: a console, and TERM set and not "dumb". */
    public static boolean isTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb");
    }

    public synchronized void update(ProgressLine line) {
        String text = line.render();
        if (text.equals(shown.get(line.canary()))) {
            return;
        }
        shown.put(line.canary(), text);
        if (!terminal) {
            out.println(text);
            return;
        }
        if (drawnLines > 0) {
            out.print("\033[" + drawnLines + "F");
        }
        for (String l : shown.values()) {
            out.print("\033[2K" + l + "\n");
        }
        drawnLines = shown.size();
        out.flush();
    }

    /** Prints a message above the live lines (a terminal) or as a line (a pipe). */
    public synchronized void note(String message) {
        if (terminal && drawnLines > 0) {
            out.print("\033[" + drawnLines + "F\033[J");
            out.println(message);
            drawnLines = 0;
            for (String l : shown.values()) {
                out.println(l);
            }
            drawnLines = shown.size();
        } else {
            out.println(message);
        }
        out.flush();
    }
}

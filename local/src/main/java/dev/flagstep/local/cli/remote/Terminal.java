package dev.flagstep.local.cli.remote;

import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where {@code get -w} shows each poll: an ANSI terminal redraws the whole frame in place; anything else (a pipe,
 * a file, CI logs) gets plain appended lines, the status line when it changes and each new event once.
 */
public sealed interface Terminal permits Terminal.Ansi, Terminal.Plain {

    /** One poll: the frame {@code get} prints, the one-line status, and the events (oldest first) as plain lines. */
    record Snapshot(List<String> frame, String status, List<String> events) {}

    void show(Snapshot s);

    /** A line outside the frame (a notice); on a terminal it is drawn above the next frame. */
    void note(String line);

    static Terminal of(PrintStream out, boolean ansi) {
        return ansi ? new Ansi(out) : new Plain(out);
    }

    final class Ansi implements Terminal {
        private final PrintStream out;
        private int drawn;

        Ansi(PrintStream out) {
            this.out = out;
        }

        @Override
        public void show(Snapshot s) {
            if (drawn > 0) {
                out.print("\033[" + drawn + "F\033[J"); // up to the frame's first line, clear to the end
            }
            s.frame().forEach(l -> out.print(l + "\n"));
            drawn = s.frame().size();
            out.flush();
        }

        @Override
        public void note(String line) {
            if (drawn > 0) {
                out.print("\033[" + drawn + "F\033[J");
                drawn = 0;
            }
            out.println(line);
            out.flush();
        }
    }

    final class Plain implements Terminal {
        private final PrintStream out;
        private final Set<String> printedEvents = new HashSet<>();
        private String lastStatus;

        Plain(PrintStream out) {
            this.out = out;
        }

        @Override
        public void show(Snapshot s) {
            boolean first = lastStatus == null;
            for (String e : s.events()) {
                if (printedEvents.add(e) && !first) {
                    out.println(e);
                }
            }
            if (first) {
                // the first poll: the whole picture once, then only what changes
                s.frame().forEach(out::println);
            } else if (!Objects.equals(s.status(), lastStatus)) {
                out.println(s.status());
            }
            lastStatus = s.status();
            out.flush();
        }

        @Override
        public void note(String line) {
            out.println(line);
            out.flush();
        }
    }
}

package dev.flagstep.gate;

import java.util.List;

/**
 * What the hooks of one confirm-* type answered this tick, in spec order. Flagger stops at the first
 * closed hook, so {@code passed} lists only the hooks before it. A type with no hooks is open.
 */
public sealed interface GateOutcome {

    List<String> passed();

    record Open(List<String> passed) implements GateOutcome {
        public Open {
            passed = List.copyOf(passed);
        }
    }

    /** {@code hook} refused; {@code muteAlert} is that hook's flag (events are sent regardless). */
    record Closed(List<String> passed, String hook, boolean muteAlert) implements GateOutcome {
        public Closed {
            passed = List.copyOf(passed);
        }
    }

    static GateOutcome open(String... passed) {
        return new Open(List.of(passed));
    }

    static GateOutcome closed(String hook) {
        return new Closed(List.of(), hook, false);
    }
}

package dev.flagstep.local.e2e;

import dev.flagstep.asl.Execution;
import dev.flagstep.asl.HistoryEvent;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How an execution's parked waits ({@code .waitForTaskToken} tasks) ended, read from its history: by
 * their token (TASK_SUCCEEDED) or by their interval (TASK_TIMED_OUT). What proves that a gate, not
 * a clock, resumed a rollout, however slowly the machine ran.
 */
public final class TokenWaits {

    private static final Set<HistoryEvent.Type> ENDINGS =
            EnumSet.of(HistoryEvent.Type.TASK_SUCCEEDED, HistoryEvent.Type.TASK_TIMED_OUT, HistoryEvent.Type.TASK_FAILED);

    private TokenWaits() {}

    /** The end of every attempt of {@code state}, in order. */
    public static List<HistoryEvent.Type> endings(Execution e, String state) {
        return e.history().stream()
                .filter(ev -> ev.state().equals(Optional.of(state)) && ENDINGS.contains(ev.type()))
                .map(HistoryEvent::type)
                .toList();
    }
}

package dev.flagstep.phases.wiring;

import dev.flagstep.execution.ExecutionNames;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How many phase ticks one Step Functions execution may run before it hands its rollout over to a
 * fresh execution. A Standard execution fails, with no Catch, at 25,000 history events; a gate that
 * stays closed for days would get there (a closed confirm-rollout loop writes 13 events per interval).
 * So every phase Task of the loop passes the count it was given ({@code ticks}) and answers it plus
 * one; once the count reaches the budget the answer says {@code handover} and the state machine
 * starts a new execution that resumes at this phase's Choice (docs/executions.md has the arithmetic).
 *
 * <p>Pure: the answer depends on the input alone, so a task Step Functions delivers twice (answered
 * from the tick memo) hands over exactly as the first delivery did.
 *
 * @param ticks phase ticks per execution; {@value #DEFAULT_TICKS} unless {@value #ENVIRONMENT} says otherwise
 */
public record HistoryBudget(int ticks) {

    /**
     * The worst tick writes 49 events: Task 5, Choice 2, a gate's token Task 6, and 6 Lambda retries
     * of each Task at 3 events each. 250 such ticks are 12,250 events, under half of the 25,000 cap,
     * leaving room for the first execution's Initialize, the closing path and further retriers.
     */
    public static final int DEFAULT_TICKS = 250;
    public static final String ENVIRONMENT = "FLAGSTEP_HANDOVER_TICKS";

    public HistoryBudget {
        if (ticks < 2) {
            throw new IllegalArgumentException(ENVIRONMENT + " must be at least 2, not " + ticks);
        }
    }

    public static HistoryBudget standard() {
        return new HistoryBudget(DEFAULT_TICKS);
    }

    /** From {@value #ENVIRONMENT}, the default when unset. */
    public static HistoryBudget fromEnvironment(Map<String, String> env) {
        String value = env.get(ENVIRONMENT);
        if (value == null || value.isBlank()) {
            return standard();
        }
        try {
            return new HistoryBudget(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENVIRONMENT + " must be a whole number, not \"" + value + "\"");
        }
    }

    /** Where the new execution resumes (the Choice after this phase) and what it is called. */
    public record Continuation(String resumeAt, String nextExecution) {}

    /** The count after this tick, and the handover once the budget is spent. */
    public record Spent(int ticks, Optional<Continuation> handover) {}

    /**
     * One phase answered: counts its tick. Hands over only in the states that count (their input
     * carries {@code ticks}, {@code execution} and a {@code tick} naming the state); Initialize,
     * Rollback and PostRollout start a count of their own and never hand over.
     *
     * @param given the count the phase's input carries ({@code ticks})
     * @param tick the input's {@code tick}, {@code State@EnteredTime}
     * @param execution the input's {@code execution}: the name of the execution running the phase
     */
    public Spent after(OptionalInt given, String tick, Optional<String> execution) {
        int spent = given.orElse(0) + 1;
        Optional<String> state = stateOf(tick);
        if (given.isEmpty() || spent < ticks || execution.isEmpty() || state.isEmpty()) {
            return new Spent(spent, Optional.empty());
        }
        return new Spent(spent, Optional.of(new Continuation(state.get() + "Decision",
                ExecutionNames.continuation(execution.get()))));
    }

    /** {@code State@EnteredTime} (see PhaseInput): the state's name. */
    private static Optional<String> stateOf(String tick) {
        int at = tick.indexOf('@');
        return at > 0 ? Optional.of(tick.substring(0, at)) : Optional.empty();
    }
}

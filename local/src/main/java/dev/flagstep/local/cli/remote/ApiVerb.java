package dev.flagstep.local.cli.remote;

import java.util.List;
import java.util.Set;

/**
 * One command on the API ({@code list}, {@code get}, {@code promote}, ...): the options it takes besides the
 * connection ones, its help, and what it does with an {@link Invocation}. Answers the exit code (0, or 1 when
 * the outcome is a failure); refusals and connection failures are thrown as {@link ApiFailure}.
 */
public interface ApiVerb {

    String name();

    /** The synopsis line, e.g. {@code get NS/NAME [-w] [--interval S]}, then a line for each option. */
    String help();

    default Set<String> valued() {
        return Set.of();
    }

    default Set<String> flags() {
        return Set.of();
    }

    int run(Invocation in);

    /** Every API command, in the order the usage lists them. */
    static List<ApiVerb> all() {
        return List.of(new ListVerb(), new GetVerb(), new ApplyVerb(), new RolloutVerb(),
                new OperationVerb("promote", "finish the analysis now and promote the canary"),
                new OperationVerb("abort", "roll back now"),
                new OperationVerb("pause", "hold the current weight, no analysis, until resume"),
                new OperationVerb("resume", "continue a paused rollout at once"),
                new OperationVerb("retry", "re-run the analysis of the revision whose rollout failed"),
                new GateVerb(), new EventsVerb(), new HistoryVerb());
    }
}

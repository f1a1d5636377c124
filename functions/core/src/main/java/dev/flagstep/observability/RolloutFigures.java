package dev.flagstep.observability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.observability.EmfDocument.Unit;
import dev.flagstep.observability.FlaggerMetrics.Canary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rollout-level figures Flagger does not record, each per canary ({@code name}, {@code namespace}) and for
 * the whole stack (no dimension): deployment frequency (rollouts started and finished), change-failure rate
 * (rolled back / finished) and where a rollout's time went (its whole duration, and the seconds it waited on
 * each closed confirm gate; the rest is analysis, {@code duration - gate wait}).
 */
public final class RolloutFigures {

    public static final String STARTED = "flagstep_rollouts_started_total";
    public static final String FINISHED = "flagstep_rollouts_finished_total";
    public static final String ROLLED_BACK = "flagstep_rollouts_rolled_back_total";
    public static final String DURATION = "flagstep_rollout_duration_seconds";
    public static final String GATE_WAIT = "flagstep_gate_wait_seconds";

    private static final List<List<String>> CANARY_AND_STACK = List.of(FlaggerMetrics.CANARY, List.of());

    private RolloutFigures() {}

    /** A new revision starts rolling out. */
    public static ObjectNode started(Canary c, Instant at) {
        return c.on(at).metric(STARTED, Unit.COUNT, 1, CANARY_AND_STACK).json();
    }

    /**
     * A rollout ended: promoted, or rolled back ({@code rolledBack}), after {@code took} from its start (no
     * duration when its start is unknown, rather than a wrong one).
     */
    public static ObjectNode finished(Canary c, boolean rolledBack, Optional<Duration> took, Instant at) {
        EmfDocument line = c.on(at).metric(FINISHED, Unit.COUNT, 1, CANARY_AND_STACK)
                .metric(ROLLED_BACK, Unit.COUNT, rolledBack ? 1 : 0, CANARY_AND_STACK);
        took.ifPresent(d -> line.metric(DURATION, Unit.SECONDS, d.toMillis() / 1000.0, CANARY_AND_STACK));
        return line.json();
    }

    /** A confirm gate ({@code gate}: its hook type) stayed closed for {@code waited}, then opened or timed out. */
    public static ObjectNode gateWait(Canary c, String gate, Duration waited, Instant at) {
        return c.on(at).dimension("gate", gate).metric(GATE_WAIT, Unit.SECONDS, waited.toMillis() / 1000.0,
                List.of(FlaggerMetrics.CANARY, List.of(FlaggerMetrics.NAME, FlaggerMetrics.NAMESPACE, "gate"), List.of())).json();
    }
}

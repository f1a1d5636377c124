package dev.flagstep.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.gate.GateType;
import dev.flagstep.gate.TaskTokens;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.operation.Approval;
import dev.flagstep.store.CanaryStore;
import java.time.Clock;
import java.util.Optional;

/**
 * Opening a built-in gate, the one way for every caller ({@code POST .../gates/{gate}/open}, the gate
 * links and the loadtester's {@code /gate/open}): the gate opens and a rollout parked on it is woken at once with its task token.
 * An approval (any gate but rollback) is also recorded on the active run, so its history shows who approved it.
 */
final class GateOpening {

    private final CanaryStore store;
    private final TaskTokens tokens;
    private final ObjectMapper json;
    private final Clock clock;

    GateOpening(CanaryStore store, TaskTokens tokens, ObjectMapper json, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.json = json;
        this.clock = clock;
    }

    /** Opens the gate; true when a parked rollout was woken (false: none waited, it moves on at its next check). */
    boolean open(CanaryId id, GateType gate, String who, String why) {
        return open(id, gate, Optional.empty(), who, why);
    }

    /** {@link #open(CanaryId, GateType, String, String)} of a loadtester gate, whose key goes into the wake-up. */
    boolean open(CanaryId id, GateType gate, Optional<String> key, String who, String why) {
        Optional<String> parked = store.openGate(id, gate, who, why);
        if (gate != GateType.ROLLBACK) {
            store.activeRun(id).ifPresent(run -> store.recordApproval(id, run.runId(),
                    new Approval(gate.wireName(), who, why, clock.instant())));
        }
        return parked.map(token -> {
            ObjectNode output = json.createObjectNode().put("gate", gate.wireName());
            key.ifPresent(k -> output.put("key", k));
            return tokens.resume(token, output.put("openedBy", who).toString());
        }).orElse(false);
    }
}

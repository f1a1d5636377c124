package dev.flagstep.phases;

import dev.flagstep.gate.GateHooks;
import dev.flagstep.gate.GateOutcome;
import dev.flagstep.gate.LoadtesterPath;
import dev.flagstep.gate.RollbackCheck;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.webhook.HookRun;
import java.util.List;
import java.util.Optional;

/**
 * Asks the confirm-* and rollback hooks of one tick ({@link GateHooks} has what the answers mean). A
 * hook whose URL is one of flagger-loadtester's read-only paths under flagstep's own API URL
 * ({@link LoadtesterPath#hookedAt}) is answered from the durable gates in the store instead of over
 * HTTP: the answer the API would give, shared by every caller, and a rollout parked on the gate
 * resumes the moment it opens. Every other hook is called exactly as Flagger calls it.
 */
final class Gates {

    private Gates() {}

    /** The hooks of a confirm-* type in spec order, stopping at the first closed one; none means open. */
    static GateOutcome confirm(Tick t, HookType type) {
        return GateHooks.confirm(t.io.hooks(type), hook -> passes(t, type, hook));
    }

    /** The rollback hooks: the first that passes (or a built-in rollback gate that is open) signals a rollback. */
    static RollbackCheck rollback(Tick t) {
        return GateHooks.rollback(t.io.hooks(HookType.ROLLBACK), hook -> passes(t, HookType.ROLLBACK, hook));
    }

    private static boolean passes(Tick t, HookType type, Webhook hook) {
        Optional<LoadtesterPath> builtin = t.io.apiUrl().flatMap(api -> LoadtesterPath.hookedAt(api, hook.url()));
        if (builtin.isPresent()) {
            var gates = t.io.gates();
            return builtin.get().check(Optional.of(type), gate -> gates.gate(t.spec.id(), gate).open()).passes();
        }
        HookRun run = t.io.runHooks(type, List.of(hook));
        return type == HookType.ROLLBACK ? run.rollbackRequested() : run.passed();
    }
}

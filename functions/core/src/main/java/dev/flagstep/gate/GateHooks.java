package dev.flagstep.gate;

import dev.flagstep.spec.Webhook;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How Flagger reads a gate's webhooks ({@code runConfirm*Hooks}, {@code runRollbackHooks} in
 * {@code pkg/controller/scheduler_hooks.go}): one at a time in spec order, each answering pass or not
 * ({@link LoadtesterAnswer#passes}), stopping at the first that decides. Asking a hook is I/O (an
 * HTTP call, or a read of a durable gate), so the caller passes it in and this stays pure.
 */
public final class GateHooks {

    private GateHooks() {}

    /** confirm-* hooks: the first that does not pass closes the gate; none (or no hooks) means open. */
    public static GateOutcome confirm(List<Webhook> hooks, Predicate<Webhook> passes) {
        List<String> passed = new ArrayList<>();
        for (Webhook hook : hooks) {
            if (!passes.test(hook)) {
                return new GateOutcome.Closed(passed, hook.name(), hook.muteAlert());
            }
            passed.add(hook.name());
        }
        return new GateOutcome.Open(passed);
    }

    /** Rollback hooks: the first that passes signals a rollback. */
    public static RollbackCheck rollback(List<Webhook> hooks, Predicate<Webhook> passes) {
        List<String> quiet = new ArrayList<>();
        for (Webhook hook : hooks) {
            if (passes.test(hook)) {
                return new RollbackCheck(quiet, Optional.of(hook.name()));
            }
            quiet.add(hook.name());
        }
        return new RollbackCheck(quiet, Optional.empty());
    }
}

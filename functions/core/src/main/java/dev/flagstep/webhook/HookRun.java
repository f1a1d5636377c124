package dev.flagstep.webhook;

import dev.flagstep.spec.HookType;
import java.util.List;
import java.util.Optional;

/**
 * The hooks of one type called in one tick, in spec order, up to the one that stopped the loop.
 * Handlers read {@link #passed()} (or {@link #rollbackRequested()} for rollback hooks) to decide,
 * and walk {@link #outcomes()} to record Flagger's per-hook events.
 */
public record HookRun(HookType type, List<HookOutcome> outcomes) {

    public HookRun {
        outcomes = List.copyOf(outcomes);
    }

    /** No called hook failed; true when the canary has no hooks of this type, as in Flagger. */
    public boolean passed() {
        return outcomes.stream().allMatch(HookOutcome::passed);
    }

    /** The failure that stopped the loop (not meaningful for rollback hooks, where failing is normal). */
    public Optional<HookOutcome.Failed> failure() {
        return outcomes.stream()
                .filter(HookOutcome.Failed.class::isInstance).map(HookOutcome.Failed.class::cast).findFirst();
    }

    /** For rollback hooks: the first hook that answered <= 202, which means "roll back now". */
    public Optional<HookOutcome.Passed> rollbackSignal() {
        if (type != HookType.ROLLBACK) {
            return Optional.empty();
        }
        return outcomes.stream()
                .filter(HookOutcome.Passed.class::isInstance).map(HookOutcome.Passed.class::cast).findFirst();
    }

    public boolean rollbackRequested() {
        return rollbackSignal().isPresent();
    }
}

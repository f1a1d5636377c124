package dev.flagstep.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.api.ExecutionRolloutStarter;
import dev.flagstep.api.RolloutExecutions;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.execution.ExecutionNames;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.RunResult;
import java.time.Clock;
import java.util.Optional;

/**
 * A cluster canary whose object was deleted (gone from a complete list, or terminating under Flagger's
 * finalizer): its running rollouts stop, its run claim is released and it leaves the store.
 *
 * <p>Minimal version, so the sync runs end to end: the lifecycle work (reverting the target with
 * {@code revertOnDeletion}, removing {@code finalizer.flagger.app}, events) is another change's, behind this one
 * method.
 */
public final class CanaryDeletion {

    private final CanaryStore store;
    private final RolloutExecutions executions;
    private final Clock clock;

    public CanaryDeletion(KubeClient kube, CanaryStore store, RolloutExecutions executions, CanaryObjects objects,
                          Clock clock) {
        this.store = store;
        this.executions = executions;
        this.clock = clock;
    }

    /** Stops the canary's rollouts and deletes it from the store; the terminating object, when there is one. */
    public void deleted(CanaryId id, Optional<ObjectNode> terminatingObject) {
        for (RolloutExecutions.Running r : executions.running(ExecutionNames.prefix(id))) {
            if (ExecutionRolloutStarter.isRolloutOf(r.input(), id)) {
                executions.stop(r.executionArn(), "flagstep.Deleted", "the Canary object " + id + " was deleted");
            }
        }
        store.activeRun(id).ifPresent(run -> store.finishRun(id, run.runId(), RunResult.FAILED, clock.instant()));
        store.deleteCanary(id);
    }
}

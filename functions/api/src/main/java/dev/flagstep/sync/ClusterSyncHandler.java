package dev.flagstep.sync;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.AwsEnvironment;
import dev.flagstep.api.Lazy;
import dev.flagstep.api.RolloutExecutions;
import dev.flagstep.api.ExecutionRolloutStarter;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.crd.KubeCanaryObjects;
import dev.flagstep.kubernetes.EksAccess;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.store.CanaryStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The cluster sync's Lambda ({@code SyncFunction}), invoked by an EventBridge Scheduler schedule
 * ({@code SyncSchedule}, {@code rate(1 minute)} by default): one {@link CanarySync#runOnce pass} per invocation,
 * answered (and logged) as its {@link SyncSummary}. The event's content is not read. Collaborators are built on
 * the first invocation, once per container (nothing before a SnapStart snapshot): the table and the state
 * machine from {@code TABLE_NAME} and {@code STATE_MACHINE_ARN}, the cluster from {@code CLUSTER_NAME} as for the
 * phases, the namespaces from {@value WatchNamespaces#VARIABLE}.
 */
public final class ClusterSyncHandler implements RequestStreamHandler {

    /** The AWS actions this function's code calls (checked against template.yaml). */
    public static final Set<String> AWS_ACTIONS = dev.flagstep.api.IamActions.BY_FUNCTION.get("SyncFunction");

    private final ObjectMapper json = new ObjectMapper();
    private final Supplier<CanarySync> sync;

    public ClusterSyncHandler() {
        this.sync = Lazy.of(() -> {
            AwsEnvironment env = AwsEnvironment.fromSystem();
            Clock clock = Clock.systemUTC();
            KubeClient kube = EksAccess.fromEnvironment(env.aws().credentials()).client();
            CanaryStore store = env.store();
            RolloutExecutions executions = env.rolloutExecutions(json);
            CanaryObjects objects = new KubeCanaryObjects(() -> kube, clock);
            String defaultProvider = System.getenv().getOrDefault("DEFAULT_PROVIDER", "istio");
            return new CanarySync(kube, store, new ExecutionRolloutStarter(executions), objects,
                    new CanaryDeletion(kube, store, executions, objects, clock, defaultProvider), new SpecParser(),
                    WatchNamespaces.fromEnvironment(System.getenv()), clock);
        });
    }

    /** For tests: one sync, already wired. */
    public ClusterSyncHandler(CanarySync sync) {
        this.sync = () -> sync;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        input.readAllBytes();
        json.writeValue(output, sync.get().runOnce().toJson());
    }
}

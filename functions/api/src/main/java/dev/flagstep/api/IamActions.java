package dev.flagstep.api;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The AWS actions each Lambda of template.yaml may call, per function logical id: exactly what its
 * code calls, nothing more. TemplateContractIT fails when a function's policies grant a different
 * set, so a new SDK call in a handler means a new entry here and a new statement in the template.
 *
 * <p>The phase handlers live in functions/phases; their entries are kept here, in one table, so the
 * template check needs no dependency on that module. The lists follow what each phase does
 * (docs/architecture.md, "One tick"): every phase reads and writes its canary's items and publishes events;
 * phases that touch the cluster describe it (the bearer token is a presigned STS call that needs no
 * permission); phases that call webhooks (and the analysis, for metric provider credentials) read
 * secrets under the SecretsPrefix parameter; phases that raise Flagger's alerts read AlertProviders' secrets
 * there too, and the global notifier's URL secret; the gate phases complete their own task token when a
 * gate opened between their check and their park (PhaseHandler.park).
 */
public final class IamActions {

    private IamActions() {}

    static final Set<String> PHASE_TABLE =
            Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query");
    static final Set<String> PUBLISH = Set.of("events:PutEvents");
    static final Set<String> CLUSTER = Set.of("eks:DescribeCluster");
    static final Set<String> WEBHOOK_SECRET = Set.of("secretsmanager:GetSecretValue");
    /** Alerting phases read AlertProviders' secretRef (under SecretsPrefix) and the global notifier's URL secret. */
    static final Set<String> ALERT_SECRETS = Set.of("secretsmanager:GetSecretValue");
    static final Set<String> METRICS = Set.of("cloudwatch:GetMetricData", "aps:QueryMetrics");

    /** Starting and superseding rollouts ({@link SfnRolloutExecutions}). */
    static final Set<String> ROLLOUTS =
            Set.of("states:StartExecution", "states:ListExecutions", "states:DescribeExecution", "states:StopExecution");

    /** Completing a parked task token when a built-in gate opens ({@link dev.flagstep.gate.SfnTaskTokens}). */
    static final Set<String> TASK_TOKENS = Set.of("states:SendTaskSuccess");

    /**
     * ApiHandler: the canary items (documents, gates, events, purge on delete, spent gate links), rollouts, gate
     * tokens, and the gate links' key (GateLinkSecret). A retry claims its run in a transaction that checks the
     * document and the failed run (ConditionCheckItem).
     */
    static final Set<String> API = union(
            Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                    "dynamodb:Query", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"),
            ROLLOUTS, TASK_TOKENS, Set.of("secretsmanager:GetSecretValue"));

    /** RolloutTriggerHandler: reads canary documents (and lists them for ECR pushes), starts rollouts. */
    static final Set<String> TRIGGER = union(Set.of("dynamodb:GetItem", "dynamodb:Query"), ROLLOUTS);

    /**
     * ClusterSyncHandler (dev.flagstep.sync): stores canary documents and adopted statuses, lists the canaries,
     * deletes those whose object is gone (with their items), starts and stops rollouts, reads the cluster.
     */
    static final Set<String> SYNC = union(
            Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                    "dynamodb:Query", "dynamodb:BatchWriteItem"),
            ROLLOUTS, CLUSTER);

    /**
     * DoctorHandler (dev.flagstep.preflight): reads every canary's document, the cluster (its access reviews are
     * Kubernetes calls, not AWS ones) and the access entries of the roles that call it.
     */
    static final Set<String> DOCTOR = union(Set.of("dynamodb:GetItem", "dynamodb:Query"), CLUSTER,
            Set.of("eks:DescribeAccessEntry"));

    /** Function logical id in template.yaml -> the actions its policies must grant. */
    public static final Map<String, Set<String>> BY_FUNCTION = table();

    private static Map<String, Set<String>> table() {
        Map<String, Set<String>> t = new TreeMap<>();
        // claiming the run checks, in the same transaction, that the document still exists
        t.put("InitializeFunction", union(PHASE_TABLE, Set.of("dynamodb:ConditionCheckItem"), PUBLISH, CLUSTER, WEBHOOK_SECRET, ALERT_SECRETS));
        // every phase posts its events to the event webhooks (signed; cluster Services through the API server's
        // proxy), so every phase reads the signing secret
        t.put("ConfirmRolloutFunction", union(PHASE_TABLE, PUBLISH, CLUSTER, WEBHOOK_SECRET, TASK_TOKENS));
        t.put("StartRolloutFunction", union(PHASE_TABLE, PUBLISH, CLUSTER, WEBHOOK_SECRET, ALERT_SECRETS));
        t.put("PreRolloutFunction", union(PHASE_TABLE, PUBLISH, CLUSTER, WEBHOOK_SECRET));
        // Analysis also runs the traffic step, and WaitForTrafficIncrease parks on its gate
        t.put("AnalysisFunction", union(PHASE_TABLE, PUBLISH, CLUSTER, WEBHOOK_SECRET, METRICS, TASK_TOKENS));
        t.put("ConfirmPromotionFunction", union(PHASE_TABLE, PUBLISH, CLUSTER, WEBHOOK_SECRET, TASK_TOKENS));
        t.put("PromoteFunction", union(PHASE_TABLE, PUBLISH, CLUSTER, WEBHOOK_SECRET, ALERT_SECRETS));
        t.put("FinaliseFunction", union(PHASE_TABLE, PUBLISH, CLUSTER, WEBHOOK_SECRET, ALERT_SECRETS));
        t.put("RollbackFunction", union(PHASE_TABLE, PUBLISH, CLUSTER, WEBHOOK_SECRET, ALERT_SECRETS));
        // closes every gate and releases the run when a rollout ends; reads the routes once more
        t.put("PostRolloutFunction", union(PHASE_TABLE, PUBLISH, CLUSTER, WEBHOOK_SECRET));
        t.put("ApiFunction", API);
        t.put("RolloutTriggerFunction", TRIGGER);
        t.put("SyncFunction", SYNC);
        t.put("DoctorFunction", DOCTOR);
        return Map.copyOf(t);
    }

    @SafeVarargs
    static Set<String> union(Set<String>... sets) {
        return Stream.of(sets).flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());
    }
}

package dev.flagstep.analysis;

import dev.flagstep.spec.CanarySpec;
import java.time.Duration;

/**
 * Flagger's event texts (pkg/controller/scheduler.go, scheduler_hooks.go, scheduler_metrics.go,
 * pkg/canary/deployment_ready.go), which event receivers match on. Flagger names the canary
 * ({@code {name}.{ns}}) in most texts but the target Deployment ({@code {target}.{ns}}) in a few;
 * each method keeps Flagger's choice, and its event type.
 */
public record FlaggerMessages(String name, String namespace, String target, String targetKind) {

    /** A Deployment target's messages. */
    public FlaggerMessages(String name, String namespace, String target) {
        this(name, namespace, target, "Deployment");
    }

    public static FlaggerMessages of(CanarySpec spec) {
        return new FlaggerMessages(spec.id().name(), spec.id().namespace(), spec.targetRef().name(), spec.targetRef().kind());
    }

    private String canary() {
        return name + "." + namespace;
    }

    private String targetRef() {
        return target + "." + namespace;
    }

    /** Flagger's "Halt {name}.{ns} advancement ..." warnings: the analysis does not move on this tick. */
    private Message halt(String why) {
        return Message.warning("Halt " + canary() + " advancement " + why);
    }

    private Message rollingBack(String why) {
        return Message.warning("Rolling back " + canary() + " " + why);
    }

    /** Flagger's "Halt advancement no values found for ..." (a metric without data; it names no canary). */
    private static Message noValuesFound(String what) {
        return Message.warning("Halt advancement no values found for " + what);
    }

    /** "{Hook type} check {hook} passed", e.g. {@code Pre-rollout}. */
    private static Message checkPassed(String hookType, String hook) {
        return Message.normal(hookType + " check " + hook + " passed");
    }

    // --- lifecycle

    /** Recorded on the canary after its phase was set to Initialized, so it carries that phase. */
    public Message initializationDone() {
        return Message.normal("Initialization done! " + canary()).asPhase(CanaryPhase.INITIALIZED);
    }

    /**
     * flagstep's own: the onboarding of a live service gave up before the apex service was pointed at the
     * primary, so the target and the traffic it serves were left as they were (Flagger would scale the target
     * to zero here). Recorded with the phase already Failed.
     */
    public Message initializationFailed(String why) {
        return Message.warning("Initialization of " + canary() + " failed, " + targetRef() + " left serving untouched: "
                + why).asPhase(CanaryPhase.FAILED);
    }

    /** The {@code why} of {@link #initializationFailed} when the primary missed the progress deadline. */
    public String primaryNotReadyWithin(int progressDeadlineSeconds, String reason) {
        return target + "-primary." + namespace + " not ready within the progress deadline of " + progressDeadlineSeconds
                + "s: " + reason;
    }

    /** flagstep's own: a rollout was asked for, but the target is the revision already rolled out. */
    public Message noNewRevision() {
        return Message.normal("No new revision of " + target + "." + namespace + " to roll out");
    }

    /** Flagger's finalizer began reverting a deleted canary ({@code revertOnDeletion}). */
    public Message terminating() {
        return Message.normal("Terminating canary " + canary()).asPhase(CanaryPhase.TERMINATING);
    }

    /** A deleted canary is done with: its object may go. */
    public Message terminated() {
        return Message.normal("Terminated canary " + canary()).asPhase(CanaryPhase.TERMINATED);
    }

    public Message suspended() {
        return Message.normal("skipping canary run as object is suspended");
    }

    /** Recorded with the phase already Progressing (Flagger uses a copy of the canary). */
    public Message newRevisionScalingUp() {
        return Message.normal("New revision detected! Scaling up " + targetRef()).asPhase(CanaryPhase.PROGRESSING);
    }

    public Message newRevisionRestarting() {
        return Message.normal("New revision detected! Restarting analysis for " + targetRef());
    }

    public Message startingAnalysis() {
        return Message.normal("Starting canary analysis for " + targetRef());
    }

    public Message advanceCanaryWeight(int weight) {
        return Message.normal("Advance " + canary() + " canary weight " + weight);
    }

    public Message advancePrimaryWeight(int weight) {
        return Message.normal("Advance " + canary() + " primary weight " + weight);
    }

    public Message advanceIteration(int iteration, int iterations) {
        return Message.normal("Advance " + canary() + " canary iteration " + iteration + "/" + iterations);
    }

    public Message copyingTemplate() {
        return Message.normal("Copying " + targetRef() + " template spec to " + target + "-primary." + namespace);
    }

    public Message routingAllTrafficToPrimary() {
        return Message.normal("Routing all traffic to primary");
    }

    /** Blue/green at the last iteration, without mirroring. */
    public Message routingAllTrafficToCanary() {
        return Message.normal("Routing all traffic to canary");
    }

    /** Blue/green at the last iteration, with mirroring. */
    public Message stopMirroringRouteAllTrafficToCanary() {
        return Message.normal("Stop traffic mirroring and route all traffic to canary");
    }

    public Message promotionCompleted() {
        return Message.normal("Promotion completed! Scaling down " + targetRef());
    }

    public Message promotionCompletedAnalysisSkipped() {
        return Message.normal("Promotion completed! Canary analysis was skipped for " + targetRef());
    }

    /** Recorded with the phase already Failed (Flagger uses a copy of the canary). */
    public Message canaryFailed() {
        return Message.warning("Canary failed! Scaling down " + canary()).asPhase(CanaryPhase.FAILED);
    }

    public Message rollingBackThresholdReached(int failedChecks) {
        return rollingBack("failed checks threshold reached " + failedChecks);
    }

    public Message rollingBackProgressDeadline(String error) {
        return rollingBack("progress deadline exceeded " + error);
    }

    public Message rollingBackManualWebhook() {
        return rollingBack("manual webhook invoked");
    }

    // --- kubernetes provider (emitted each tick the rule applies)

    public Message abTestingNotSupportedOnKubernetes() {
        return Message.warning("A/B testing is not supported when using the kubernetes provider");
    }

    public Message progressiveTrafficNotSupportedOnKubernetes() {
        return Message.warning("Progressive traffic is not supported when using the kubernetes provider");
    }

    public Message settingIterationsTo10() {
        return Message.warning("Setting canaryAnalysis.iterations: 10");
    }

    // --- hooks

    public Message waitingForApproval(String hook) {
        return halt("waiting for approval " + hook);
    }

    public Message waitingForTrafficIncreaseApproval(String hook) {
        return halt("waiting for traffic increase approval " + hook);
    }

    public Message waitingForPromotionApproval(String hook) {
        return halt("waiting for promotion approval " + hook);
    }

    public Message confirmRolloutPassed(String hook) {
        return checkPassed("Confirm-rollout", hook);
    }

    public Message confirmTrafficIncreasePassed(String hook) {
        return checkPassed("Confirm-traffic-increase", hook);
    }

    public Message confirmPromotionPassed(String hook) {
        return checkPassed("Confirm-promotion", hook);
    }

    public Message preRolloutPassed(String hook) {
        return checkPassed("Pre-rollout", hook);
    }

    public Message preRolloutFailed(String hook, String error) {
        return halt("pre-rollout check " + hook + " failed " + error);
    }

    /** A failed {@code rollout} hook; a passing one records nothing (Flagger #863). */
    public Message externalCheckFailed(String hook, String error) {
        return halt("external check " + hook + " failed " + error);
    }

    public Message rollbackHookNotSignaling(String hook) {
        return Message.normal("Rollback hook " + hook + " not signaling a rollback");
    }

    public Message rollbackCheckPassed(String hook) {
        return Message.warning("Rollback check " + hook + " passed");
    }

    public Message postRolloutPassed(String hook) {
        return checkPassed("Post-rollout", hook);
    }

    public Message postRolloutFailed(String hook, String error) {
        return Message.warning("Post-rollout hook " + hook + " failed " + error);
    }

    // --- metrics

    public Message metricProvidersAvailable() {
        return Message.normal("all the metrics providers are available!");
    }

    public Message metricProvidersError(String error) {
        return Message.warning("Error checking metric providers: " + error);
    }

    /** Builtin request-success-rate with no data ({@code metricsProvider} is the observer name, e.g. istio). */
    public Message noValuesSuccessRate(String metricsProvider, String metric, String error) {
        return noValuesFound(metricsProvider + " metric " + metric
                + " probably " + targetRef() + " is not receiving traffic: " + error);
    }

    /** Builtin request-duration with no data: same text as success rate, without the error. */
    public Message noValuesRequestDuration(String metricsProvider, String metric) {
        return noValuesFound(metricsProvider + " metric " + metric
                + " probably " + targetRef() + " is not receiving traffic");
    }

    /** An inline {@code query} metric with no data. */
    public Message noValuesQuery(String metric) {
        return noValuesFound("metric: " + metric);
    }

    /** A templateRef metric with no data. */
    public Message noValuesCustomMetric(String metric, String error) {
        return noValuesFound("custom metric: " + metric + ": " + error);
    }

    public Message successRateBelow(double value, double min) {
        return halt("success rate " + GoFormat.fixed2(value) + "% < " + GoFormat.value(min) + "%");
    }

    public Message successRateAbove(double value, double max) {
        return halt("success rate " + GoFormat.fixed2(value) + "% > " + GoFormat.value(max) + "%");
    }

    /** Both sides are Go durations; Flagger truncates the threshold to whole milliseconds. */
    public Message requestDurationBelow(Duration value, Duration min) {
        return halt("request duration " + GoFormat.duration(value) + " < " + GoFormat.duration(min));
    }

    public Message requestDurationAbove(Duration value, Duration max) {
        return halt("request duration " + GoFormat.duration(value) + " > " + GoFormat.duration(max));
    }

    public Message metricBelow(String metric, double value, double min) {
        return halt(metric + " " + GoFormat.fixed2(value) + " < " + GoFormat.value(min));
    }

    public Message metricAbove(String metric, double value, double max) {
        return halt(metric + " " + GoFormat.fixed2(value) + " > " + GoFormat.value(max));
    }

    public Message prometheusQueryFailed(String error) {
        return Message.warning("Prometheus query failed: " + error);
    }

    public Message metricQueryFailed(String metric, String error) {
        return Message.warning("Metric query failed for " + metric + ": " + error);
    }

    public Message metricTemplateError(String template, String templateNamespace, String error) {
        return Message.warning("Metric template " + template + "." + templateNamespace + " error: " + error);
    }

    // --- readiness (pkg/canary/deployment_ready.go)

    /** @param retriable false when the target will not become ready (Flagger's DaemonSet text says which) */
    public Message canaryNotReady(String reason, boolean retriable) {
        return Message.warning(daemonSet()
                ? "canary damonset " + targetRef() + " not ready with retryable " + retriable + ": " + reason // sic
                : "canary deployment " + targetRef() + " not ready: " + reason);
    }

    public Message primaryNotReady(String reason) {
        return Message.warning((daemonSet() ? "primary daemonset " : "") + target + "-primary." + namespace + " not ready: " + reason);
    }

    /** {@code daemonset_ready.go} words its errors apart from {@code deployment_ready.go}. */
    private boolean daemonSet() {
        return "DaemonSet".equals(targetKind);
    }

    public Message primaryScaledToZero() {
        return Message.warning("halt " + canary() + " advancement: primary deployment is scaled to zero");
    }

    /** The reasons a Deployment is not ready, as Flagger words them (the text after "not ready: "). */
    public static final class NotReady {
        private NotReady() {}

        /** Not retriable: ends in a rollback. */
        public static String progressDeadlineExceeded(String deployment) {
            return "deployment \"" + deployment + "\" exceeded its progress deadline";
        }

        public static String replicasNotUpdated(int updated, int desired) {
            return "waiting for rollout to finish: " + updated + " out of " + desired
                    + " new replicas have been updated";
        }

        public static String oldReplicasPending(int pending) {
            return "waiting for rollout to finish: " + pending + " old replicas are pending termination";
        }

        public static String notEnoughAvailable(int available, int required, int readyThreshold) {
            return "waiting for rollout to finish: " + available + " of " + required + " (readyThreshold "
                    + readyThreshold + "%) updated replicas are available";
        }

        public static String generationNotObserved() {
            return "waiting for rollout to finish: observed deployment generation less than desired generation";
        }

        /** A DaemonSet's pods of the current template, scheduled on fewer nodes than it should run on. */
        public static String podsNotUpdated(int updated, int desired) {
            return "waiting for rollout to finish: " + updated + " out of " + desired + " new pods have been updated";
        }

        public static String podsNotAvailable(int available, int required, int readyThreshold) {
            return "waiting for rollout to finish: " + available + " of " + required + " (readyThreshold "
                    + readyThreshold + "%) updated pods are available";
        }

        public static String daemonSetGenerationNotObserved() {
            return "waiting for rollout to finish: observed daemonset generation less than desired generation";
        }

        /** Not retriable: a DaemonSet not ready within the canary's progress deadline (from its status' last transition). */
        public static String progressDeadlineSecondsExceeded(int progressDeadlineSeconds) {
            return "exceeded its progressDeadlineSeconds: " + progressDeadlineSeconds;
        }
    }

    /** Flagger's alert texts ({@code c.alert(...)}), for the alert providers. */
    public static final class Alerts {
        private Alerts() {}

        public static String initialized(String targetKind) {
            return "New " + targetKind + " detected, initialization completed.";
        }

        public static final String NEW_REVISION = "New revision detected, progressing canary analysis.";
        public static final String WAITING_FOR_APPROVAL = "Canary is waiting for approval.";
        public static final String WAITING_FOR_TRAFFIC_INCREASE = "Canary traffic increase is waiting for approval.";
        public static final String WAITING_FOR_PROMOTION = "Canary promotion is waiting for approval.";
        public static final String MANUAL_ROLLBACK = "Rolling back manual webhook invoked";
        public static final String SUCCEEDED = "Canary analysis completed successfully, promotion finished.";
        public static final String SKIPPED = "Canary analysis was skipped, promotion finished.";

        public static String thresholdReached(int failedChecks) {
            return "Failed checks threshold reached " + failedChecks;
        }

        public static String progressDeadlineExceeded(String error) {
            return "Progress deadline exceeded " + error;
        }

        public static String promotionFailed(String error) {
            return "Promotion failed, primary not ready: " + error;
        }
    }
}

package dev.flagstep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlaggerMessagesTest {

    /** Canary "web" targets Deployment "podinfo": Flagger names one or the other per message. */
    private static final FlaggerMessages M = new FlaggerMessages("web", "test", "podinfo");

    @Test
    void namesTheTargetOrTheCanaryAsFlaggerDoes() {
        assertThat(M.newRevisionScalingUp().text()).isEqualTo("New revision detected! Scaling up podinfo.test");
        assertThat(M.startingAnalysis().text()).isEqualTo("Starting canary analysis for podinfo.test");
        assertThat(M.copyingTemplate().text()).isEqualTo("Copying podinfo.test template spec to podinfo-primary.test");
        assertThat(M.promotionCompleted().text()).isEqualTo("Promotion completed! Scaling down podinfo.test");
        assertThat(M.advanceCanaryWeight(20).text()).isEqualTo("Advance web.test canary weight 20");
        assertThat(M.advanceIteration(2, 10).text()).isEqualTo("Advance web.test canary iteration 2/10");
        assertThat(M.canaryFailed().text()).isEqualTo("Canary failed! Scaling down web.test");
        assertThat(M.rollingBackThresholdReached(5).text())
                .isEqualTo("Rolling back web.test failed checks threshold reached 5");
    }

    @Test
    void hookTexts() {
        assertThat(M.waitingForApproval("g").text()).isEqualTo("Halt web.test advancement waiting for approval g");
        assertThat(M.preRolloutFailed("smoke", "POST http://x giving up after 1 attempt(s)").text())
                .isEqualTo("Halt web.test advancement pre-rollout check smoke failed POST http://x giving up after 1 attempt(s)");
        assertThat(M.externalCheckFailed("load", "Forbidden").text())
                .isEqualTo("Halt web.test advancement external check load failed Forbidden");
        assertThat(M.preRolloutPassed("smoke").text()).isEqualTo("Pre-rollout check smoke passed");
        assertThat(M.rollbackHookNotSignaling("rb").isWarning()).isFalse();
        assertThat(M.rollbackHookNotSignaling("rb").text()).isEqualTo("Rollback hook rb not signaling a rollback");
        assertThat(M.postRolloutFailed("notify", "oops").text()).isEqualTo("Post-rollout hook notify failed oops");
        assertThat(M.postRolloutPassed("notify").text()).isEqualTo("Post-rollout check notify passed");
    }

    @Test
    void metricTextsUseGoFormatting() {
        assertThat(M.successRateBelow(95.456, 99).text())
                .isEqualTo("Halt web.test advancement success rate 95.46% < 99%");
        assertThat(M.requestDurationAbove(Duration.ofMillis(512), Duration.ofMillis(500)).text())
                .isEqualTo("Halt web.test advancement request duration 512ms > 500ms");
        assertThat(M.metricAbove("error-rate", 1.5, 1).text()).isEqualTo("Halt web.test advancement error-rate 1.50 > 1");
        assertThat(M.metricBelow("rps", 0.25, 0.5).text()).isEqualTo("Halt web.test advancement rps 0.25 < 0.5");
        assertThat(M.noValuesSuccessRate("istio", "request-success-rate", "no values found").text()).isEqualTo(
                "Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic: no values found");
        assertThat(M.noValuesCustomMetric("latency", "no values found").text())
                .isEqualTo("Halt advancement no values found for custom metric: latency: no values found");
    }

    @Test
    void readinessTexts() {
        assertThat(M.canaryNotReady(FlaggerMessages.NotReady.notEnoughAvailable(0, 2, 100), true).text()).isEqualTo(
                "canary deployment podinfo.test not ready: waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available");
        assertThat(M.primaryNotReady(FlaggerMessages.NotReady.oldReplicasPending(1)).text()).isEqualTo(
                "podinfo-primary.test not ready: waiting for rollout to finish: 1 old replicas are pending termination");
        assertThat(FlaggerMessages.NotReady.progressDeadlineExceeded("podinfo"))
                .isEqualTo("deployment \"podinfo\" exceeded its progress deadline");
    }

    /** {@code daemonset_ready.go}'s wording, its typo included. */
    @Test
    void daemonSetReadinessTexts() {
        FlaggerMessages ds = new FlaggerMessages("web", "test", "podinfo", "DaemonSet");
        assertThat(ds.canaryNotReady(FlaggerMessages.NotReady.podsNotUpdated(1, 3), true).text()).isEqualTo(
                "canary damonset podinfo.test not ready with retryable true: waiting for rollout to finish: 1 out of 3 new"
                        + " pods have been updated");
        assertThat(ds.canaryNotReady(FlaggerMessages.NotReady.progressDeadlineSecondsExceeded(60), false).text()).isEqualTo(
                "canary damonset podinfo.test not ready with retryable false: exceeded its progressDeadlineSeconds: 60");
        assertThat(ds.primaryNotReady(FlaggerMessages.NotReady.daemonSetGenerationNotObserved()).text()).isEqualTo(
                "primary daemonset podinfo-primary.test not ready: waiting for rollout to finish: observed daemonset"
                        + " generation less than desired generation");
    }
}

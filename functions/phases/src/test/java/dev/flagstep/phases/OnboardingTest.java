package dev.flagstep.phases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.PhaseContext;
import dev.flagstep.analysis.StatusCondition;
import dev.flagstep.workload.Readiness;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The onboarding decisions, exhaustively: when a canary is onboarded, when it started, wait or take over or give up. */
class OnboardingTest {

    static final PhaseContext CONTEXT = new PhaseContext("Deployment", 0);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration DEADLINE = Duration.ofSeconds(600);

    @Test
    void aCanaryIsOnboardedOnceItHasARevisionRecorded() {
        assertThat(Onboarding.pending(CanaryStatus.initial(T0))).isTrue();
        CanaryStatus failedOnboarding = CanaryStatus.initial(T0).sync(CanaryPhase.FAILED, 0, 0, 0, CONTEXT, T0);
        assertThat(Onboarding.pending(failedOnboarding)).as("an onboarding that failed is done again").isTrue();
        CanaryStatus initialized = CanaryStatus.initial(T0).setPhase(CanaryPhase.INITIALIZED, CONTEXT, T0).withChecksum("abc");
        assertThat(Onboarding.pending(initialized)).isFalse();
        assertThat(Onboarding.pending(initialized.sync(CanaryPhase.FAILED, 0, 0, 0, CONTEXT, T0))).as("a failed rollout").isFalse();
    }

    @Test
    void aNewStatusStartsAtTheInstantItWasFirstReadWithFlaggersInitializingCondition() {
        CanaryStatus started = Onboarding.started(CanaryStatus.initial(T0), CONTEXT, T0.plusSeconds(5));

        assertThat(started.phase()).isEqualTo(CanaryPhase.INITIALIZING);
        assertThat(Onboarding.since(started)).isEqualTo(T0);
        StatusCondition promoted = started.promotedCondition().orElseThrow();
        assertThat(promoted.status()).isEqualTo("Unknown");
        assertThat(promoted.reason()).isEqualTo("Initializing");
        assertThat(promoted.message()).isEqualTo("New Deployment detected, starting initialization.");
    }

    @Test
    void anOnboardingUnderWayKeepsItsStartAcrossTicks() {
        CanaryStatus started = Onboarding.started(CanaryStatus.initial(T0), CONTEXT, T0);

        CanaryStatus later = Onboarding.started(started, CONTEXT, T0.plusSeconds(300));

        assertThat(later).isEqualTo(started);
        assertThat(Onboarding.since(later)).isEqualTo(T0);
    }

    @Test
    void anOnboardingThatFailedStartsAgainNow() {
        CanaryStatus failed = Onboarding.started(CanaryStatus.initial(T0), CONTEXT, T0)
                .sync(CanaryPhase.FAILED, 0, 0, 0, CONTEXT, T0.plusSeconds(601));
        Instant retry = T0.plusSeconds(3600);

        CanaryStatus again = Onboarding.started(failed, CONTEXT, retry);

        assertThat(again.phase()).isEqualTo(CanaryPhase.INITIALIZING);
        assertThat(Onboarding.since(again)).isEqualTo(retry);
        assertThat(again.promotedCondition().orElseThrow().status()).isEqualTo("Unknown");
    }

    @Test
    void aReadyPrimaryIsTakenOverAtAnyTime() {
        assertThat(Onboarding.decide(new Readiness.Ready(), T0, DEADLINE, T0)).isEqualTo(new Onboarding.Action.TakeOver());
        assertThat(Onboarding.decide(new Readiness.Ready(), T0, DEADLINE, T0.plusSeconds(6000)))
                .isEqualTo(new Onboarding.Action.TakeOver());
    }

    @Test
    void aPrimaryNotReadyYetIsWaitedForUntilTheDeadlineHasPassed() {
        Readiness notYet = new Readiness.NotYet("waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available");

        assertThat(Onboarding.decide(notYet, T0, DEADLINE, T0)).isEqualTo(new Onboarding.Action.Wait(
                "waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available"));
        assertThat(Onboarding.decide(notYet, T0, DEADLINE, T0.plus(DEADLINE)))
                .as("the deadline instant itself still waits, as Flagger's !from.Add(delta).Before(now)")
                .isInstanceOf(Onboarding.Action.Wait.class);
        assertThat(Onboarding.decide(notYet, T0, DEADLINE, T0.plus(DEADLINE).plusMillis(1))).isEqualTo(new Onboarding.Action.GiveUp(
                "waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available"));
    }

    @Test
    void aPrimaryThatWillNotBecomeReadyIsGivenUpAtOnce() {
        assertThat(Onboarding.decide(new Readiness.Failed("deployment \"podinfo-primary\" exceeded its progress deadline"),
                T0, DEADLINE, T0.plusSeconds(1)))
                .isEqualTo(new Onboarding.Action.GiveUp("deployment \"podinfo-primary\" exceeded its progress deadline"));
    }
}

package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.local.sim.EndpointsSampler;
import dev.flagstep.spec.CanaryDocument;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Onboarding a live service (issue 10, part 4): the user's apex Service already sends traffic to the target's
 * pods when flagstep first sees the canary. The simulated cluster keeps Endpoints for every Service and the
 * sampler records the apex's after every pass of its controllers, which is the whole history of what the apex
 * sent traffic to: it must never be zero ready pods. Flagger waits for the primary before it touches the apex;
 * a primary that never becomes ready fails the onboarding with the target untouched.
 *
 * <p>The cluster runs on the phases' sped-up clock, so its ready delays and condition times are in the same time
 * as the state machine's waits and the progress deadline.
 */
class OnboardingEndpointsE2ETest {

    static final FailureKit.FaultSwitch FAULTS = new FailureKit.FaultSwitch();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.startOnOneClock(FAULTS);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** A live service: the target, and the user's apex Service selecting its pods, serving before flagstep. */
    private static CanaryDocument liveService(String name, String provider, String... specFields) throws InterruptedException {
        CanaryYaml yaml = CanaryYaml.named(name).provider(provider);
        for (String f : specFields) yaml.spec(f);
        CanaryDocument doc = h.canary(yaml.analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                """ + CanaryYaml.webhooks(h.hooksUrl() + "/" + name, "post-rollout")));
        h.sim.seedApexService(doc.canary());
        try (EndpointsSampler before = h.sim.sampleEndpoints("e2e", name)) {
            RolloutHarness.await(name + " serving through its apex", RolloutHarness.PATIENCE, () ->
                    before.samples().stream().anyMatch(s -> s.ready() > 0));
        }
        return doc;
    }

    /** An onboarding run that ended, and what the apex selected at every pass of the cluster meanwhile. */
    record Onboarded(Execution execution, List<EndpointsSampler.Sample> apex) {}

    /**
     * Starts the run of the target's current revision and waits for its end, sampling the apex all along: at no
     * pass may it select zero ready pods.
     */
    private static Onboarded onboard(CanaryDocument doc, ExecutionStatus expected) throws InterruptedException {
        try (EndpointsSampler apex = h.sim.sampleEndpoints("e2e", doc.canary().id().name())) {
            Execution run = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
            h.assertEnded(run, expected);
            h.sim.awaitReconciled(Duration.ofSeconds(10));
            assertThat(apex.outages()).as("passes where the apex selected no ready pod").isEmpty();
            return new Onboarded(run, apex.samples());
        }
    }

    /** The router's own object, where the provider has one. */
    private static Optional<KubeRef> routerObject(String provider, String name) {
        return switch (provider) {
            case "gatewayapi:v1" -> Optional.of(ResourceKind.HTTP_ROUTE.ref("e2e", name));
            case "istio" -> Optional.of(ResourceKind.VIRTUAL_SERVICE.ref("e2e", name));
            default -> Optional.empty();
        };
    }

    private static int available(String deployment) {
        return h.sim.object(ResourceKind.DEPLOYMENT, "e2e", deployment)
                .map(d -> d.at("/status/availableReplicas").asInt(0)).orElse(0);
    }

    private static String apexSelector(String name) {
        return h.sim.object(ResourceKind.SERVICE, "e2e", name).orElseThrow().at("/spec/selector/app").asText();
    }

    /**
     * The primary takes a minute to become ready (six analysis intervals): the target keeps serving through the
     * apex until it is, then the apex moves to the primary, and at no pass in between does it select zero ready
     * pods. The router's object (HTTPRoute, VirtualService) is not created before the primary is ready either:
     * Flagger reconciles the mesh router after the primary, "to ensure zero downtime".
     */
    @ParameterizedTest
    @ValueSource(strings = {"gatewayapi:v1", "istio", "kubernetes"})
    void aSlowPrimaryNeverLeavesTheApexWithoutReadyPods(String provider) throws Exception {
        String n = "slow-" + provider.replaceAll("[^a-z]", "");
        CanaryDocument doc = liveService(n, provider);
        h.sim.readyDelay(n + "-primary", Duration.ofSeconds(60));
        List<String> routerBeforeReady = new CopyOnWriteArrayList<>();
        FAULTS.on(n, (function, payload) -> {
            boolean routed = routerObject(provider, n).flatMap(h.sim::object).isPresent();
            if (function.equals("Initialize") && routed && available(n + "-primary") == 0) {
                routerBeforeReady.add("router object present while " + n + "-primary has no available pod");
            }
        });

        Onboarded onboarded = onboard(doc, ExecutionStatus.SUCCEEDED);
        Execution onboarding = onboarded.execution();

        // the apex was sampled on the target and then on the primary: the switch itself was watched
        assertThat(onboarded.apex()).extracting(EndpointsSampler.Sample::selector).containsSubsequence("app=" + n, "app=" + n + "-primary");
        assertThat(routerBeforeReady).isEmpty();
        List<String> trail = RolloutHarness.trail(onboarding);
        // the first Initialize creates the primary, so it cannot be ready yet; how many intervals pass is the cluster's
        assertThat(trail).startsWith("Resume", "Initialize=initializing", "InitializeDecision=initializing",
                "WaitBeforeInitialize=initializing");
        assertThat(trail).endsWith("Initialize=done", "InitializeDecision=done", "NoRollout=done");
        assertThat(apexSelector(n)).isEqualTo(n + "-primary");
        assertThat(FailureKit.replicas(h, n)).as("target scaled to zero once the primary serves").isZero();
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.INITIALIZED);
        if (routerObject(provider, n).isPresent()) {
            assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        }
        List<String> messages = h.messages(doc.canary().id());
        assertThat(messages).contains("Initialization done! " + n + ".e2e");
        assertThat(messages).anyMatch(m -> m.startsWith(n + "-primary.e2e not ready: waiting for rollout to finish"));
        assertThat(h.calls("/" + n + "/post-rollout")).as("onboarding is not a rollout").isEmpty();
    }

    /**
     * The primary never becomes ready: at the progress deadline the onboarding fails, with a Warning naming the
     * canary, the deadline and the primary's state; the target keeps its replicas, the apex keeps selecting it,
     * the primary (which never served) is removed, the run is released and post-rollout runs with Failed, as
     * after any failed run. No Rollback: it would scale the target to zero. Once the primary can start, the next
     * revision onboards afresh.
     */
    @Test
    void aPrimaryNeverReadyFailsTheOnboardingWithTheTargetUntouched() throws Exception {
        String n = "never";
        CanaryDocument doc = liveService(n, "gatewayapi:v1", "progressDeadlineSeconds: 60");
        h.sim.holdUnready(n + "-primary", true);

        Execution onboarding;
        try {
            Onboarded failed = onboard(doc, ExecutionStatus.FAILED);
            onboarding = failed.execution();
            assertThat(failed.apex()).extracting(EndpointsSampler.Sample::selector).containsOnly("app=" + n);
        } finally {
            h.sim.holdUnready(n + "-primary", false);
        }

        assertThat(FailureKit.statesEntered(onboarding)).containsSubsequence(
                "Initialize", "WaitBeforeInitialize", "Initialize", "PostRollout", "RolloutFailed");
        assertThat(FailureKit.statesEntered(onboarding)).doesNotContain("Rollback", "ConfirmRollout");
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.FAILED);
        assertThat(FailureKit.replicas(h, n)).as("target replicas").isEqualTo(2);
        assertThat(FailureKit.image(h, n)).isEqualTo(RolloutHarness.IMAGE);
        assertThat(apexSelector(n)).isEqualTo(n);
        assertThat(h.sim.object(ResourceKind.DEPLOYMENT, "e2e", n + "-primary")).as("primary removed").isEmpty();
        assertThat(h.sim.object(ResourceKind.HTTP_ROUTE, "e2e", n)).as("no route to the primary").isEmpty();
        assertThat(h.runtime.store().activeRun(doc.canary().id())).as("run released").isEmpty();
        assertThat(h.sequence("/" + n + "/post-rollout")).containsExactly("/never/post-rollout:Failed");
        assertThat(h.events(doc.canary().id())).anySatisfy(e -> {
            assertThat(e.severity().wireName()).isEqualTo("Warning");
            assertThat(e.phase()).isEqualTo(CanaryPhase.FAILED);
            assertThat(e.message()).isEqualTo("Initialization of never.e2e failed, never.e2e left serving untouched: "
                    + "never-primary.e2e not ready within the progress deadline of 60s: "
                    + "waiting for rollout to finish: 0 of 2 (readyThreshold 100%) updated replicas are available");
        });

        // fixed (here: the pods can start now), a new revision onboards from scratch instead of being analysed
        h.sim.newRevision("e2e", n, RolloutHarness.NEW_IMAGE);
        Execution again = onboard(doc, ExecutionStatus.SUCCEEDED).execution();
        assertThat(RolloutHarness.trail(again)).endsWith("Initialize=done", "InitializeDecision=done", "NoRollout=done");
        assertThat(FailureKit.image(h, n + "-primary")).isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(apexSelector(n)).isEqualTo(n + "-primary");
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.INITIALIZED);
    }

    /**
     * The Initialize Lambda crashes while the primary is still starting: the state machine's Catch goes to
     * Rollback, which for a canary never onboarded only marks it Failed. Flagger's rollback would scale the
     * target to zero, the only pods the apex selects (on the kubernetes provider nothing else stops it). The next
     * onboarding finds the primary left behind and brings it to the target's template of then.
     */
    @Test
    void anOnboardingThatBreaksIsNotRolledBackOntoTheTarget() throws Exception {
        String n = "broken";
        CanaryDocument doc = liveService(n, "kubernetes");
        h.sim.holdUnready(n + "-primary", true);
        AtomicInteger initializes = new AtomicInteger();
        FAULTS.on(n, (function, payload) -> {
            if (function.equals("Initialize") && initializes.incrementAndGet() == 2) {
                throw new IllegalStateException("boom: Initialize ran out of memory");
            }
        });

        Execution onboarding;
        try {
            onboarding = onboard(doc, ExecutionStatus.FAILED).execution();
        } finally {
            FAULTS.on(n, (function, payload) -> { });
            h.sim.holdUnready(n + "-primary", false);
        }

        assertThat(FailureKit.statesEntered(onboarding)).containsSubsequence(
                "Initialize", "WaitBeforeInitialize", "Initialize", "Rollback", "PostRollout", "RolloutFailed");
        assertThat(FailureKit.replicas(h, n)).as("target replicas").isEqualTo(2);
        assertThat(apexSelector(n)).isEqualTo(n);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.FAILED);
        List<String> messages = h.messages(doc.canary().id());
        assertThat(messages).contains("Initialization of broken.e2e failed, broken.e2e left serving untouched: "
                + "java.lang.IllegalStateException: boom: Initialize ran out of memory");
        assertThat(messages).noneMatch(m -> m.startsWith("Canary failed!"));

        h.sim.newRevision("e2e", n, RolloutHarness.NEW_IMAGE);
        onboard(doc, ExecutionStatus.SUCCEEDED);
        assertThat(FailureKit.image(h, n + "-primary")).as("the leftover primary, brought up to date")
                .isEqualTo(RolloutHarness.NEW_IMAGE);
        assertThat(apexSelector(n)).isEqualTo(n + "-primary");
        assertThat(FailureKit.replicas(h, n)).isZero();
    }
}

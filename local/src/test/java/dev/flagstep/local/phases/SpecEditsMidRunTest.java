package dev.flagstep.local.phases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.local.e2e.CanaryYaml;
import dev.flagstep.local.phases.PhaseRig.Rollout;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code suspend} and {@code skipAnalysis} changed on a canary while its rollout runs (a GitOps edit of the
 * Canary object, which the sync stores): the phases read the spec on every tick, so the change acts on the next
 * one, as Flagger's fresh GET of the Canary at the top of each tick makes it act.
 */
class SpecEditsMidRunTest {

    static PhaseRig rig;

    @BeforeAll
    static void start() {
        rig = PhaseRig.start();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static String analysis(String name) {
        return """
                    interval: 1m
                    threshold: 5
                    stepWeight: 10
                    maxWeight: 50
                """ + CanaryYaml.SUCCESS_RATE
                + CanaryYaml.webhooks(rig.hooks.url("/" + name).toString(), "rollout", "confirm-promotion");
    }

    private static CanaryYaml yaml(String name) {
        return CanaryYaml.named(name).metricsServer(rig.hooks.url("").toString());
    }

    /** The canary's document as stored again with one more {@code spec} field (or as it was, with none). */
    private static void edit(CanaryDocument doc, String... fields) {
        String name = doc.canary().id().name();
        CanaryYaml y = yaml(name).namespace(PhaseRig.NAMESPACE);
        for (String f : fields) y.spec(f);
        rig.store.putSpec(doc.canary().id(), y.analysis(analysis(name)));
    }

    @Test
    void suspendedMidAnalysisTheAnalysisHoldsWithNoTrafficChangeUntilResumed() {
        String n = "edit-suspend";
        CanaryDocument doc = rig.canary(yaml(n), analysis(n));
        Rollout r = rig.analysing(doc);
        Routes before = rig.routes(r);
        assertThat(before.canary()).isEqualTo(10);
        int calls = rig.outboundCalls();

        edit(doc, "suspend: true");
        rig.expect(rig.analysis, r, "notReady");
        rig.expect(rig.analysis, r, "notReady");

        assertThat(rig.routes(r)).as("traffic").isEqualTo(before);
        assertThat(rig.status(r).status().canaryWeight()).isEqualTo(10);
        assertThat(rig.status(r).status().phase()).isEqualTo(CanaryPhase.PROGRESSING);
        assertThat(rig.outboundCalls()).as("no hook, no query while suspended").isEqualTo(calls);
        assertThat(rig.events(r.id())).endsWith("skipping canary run as object is suspended",
                "skipping canary run as object is suspended");

        edit(doc);
        rig.expect(rig.analysis, r, "advanced");
        assertThat(rig.routes(r).canary()).as("resumed where it held").isEqualTo(20);
    }

    @Test
    void skipAnalysisSetMidRunPromotesAtTheNextTickWithoutAskingForPromotion() {
        String n = "edit-skip";
        CanaryDocument doc = rig.canary(yaml(n), analysis(n));
        rig.hooks.script("/" + n + "/confirm-promotion", Reply.status(403)); // never approved
        Rollout r = rig.analysing(doc);
        int rolloutHooks = rig.calls("/" + n + "/rollout");

        edit(doc, "skipAnalysis: true");
        rig.expect(rig.analysis, r, "promote");
        rig.expect(rig.confirmPromotion, r, "open");
        rig.expect(rig.promote, r, "skipped");
        rig.expect(rig.postRollout, r, "succeeded");

        assertThat(rig.routes(r)).isEqualTo(Routes.allPrimary());
        assertThat(rig.status(r).status().phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(rig.deployment(n + "-primary")).endsWith("x" + PhaseRig.NEW_IMAGE);
        assertThat(rig.deployment(n)).startsWith("0x");
        assertThat(rig.calls("/" + n + "/rollout")).as("no analysis once skipped").isEqualTo(rolloutHooks);
        assertThat(rig.calls("/" + n + "/confirm-promotion")).as("promotion not asked").isZero();
        assertThat(rig.events(r.id())).last().asString().startsWith("Promotion completed! Canary analysis was skipped for");
    }

    @Test
    void suspendedWhilePromotingThePromotionHoldsUntilResumed() {
        String n = "edit-promoting";
        CanaryDocument doc = rig.canary(yaml(n), analysis(n));
        Rollout r = rig.analysing(doc);
        for (int weight = 20; weight <= 50; weight += 10) {
            rig.expect(rig.analysis, r, "advanced");
        }
        rig.expect(rig.analysis, r, "promote");
        rig.expect(rig.confirmPromotion, r, "open");
        Routes before = rig.routes(r);

        edit(doc, "suspend: true");
        rig.expect(rig.promote, r, "notReady");
        assertThat(rig.routes(r)).as("traffic").isEqualTo(before);
        assertThat(rig.status(r).status().phase()).isEqualTo(CanaryPhase.PROMOTING);

        edit(doc);
        assertThat(rig.decision(rig.promote, r)).isIn("stepped", "done");
        assertThat(rig.routes(r)).isNotEqualTo(before);
    }
}

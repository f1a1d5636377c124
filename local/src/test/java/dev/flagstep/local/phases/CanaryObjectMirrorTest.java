package dev.flagstep.local.phases;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.crd.FlaggerStatus;
import dev.flagstep.crd.KubeCanaryObjects;
import dev.flagstep.kubernetes.BearerToken;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeEndpoint;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.phases.PhaseRig.Rollout;
import dev.flagstep.phases.PhaseHandler;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A canary that comes from the cluster has its status and events written back onto its {@code Canary} object by
 * the phases, as Flagger's controller writes them (docs/gitops.md, "Status and events on the Canary object"); a
 * canary put through the API causes no such write; a missing object or a failing API never fails a tick.
 */
class CanaryObjectMirrorTest {

    static PhaseRig rig;

    @BeforeAll
    static void start() {
        rig = PhaseRig.start();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    static final String ANALYSIS = """
                interval: 10s
                threshold: 2
                stepWeight: 10
                maxWeight: 20
            """ + dev.flagstep.local.e2e.CanaryYaml.SUCCESS_RATE;

    /** The object's status: what kubectl, Argo CD and Flux read. */
    static JsonNode objectStatus(CanaryId id) {
        return rig.canaryObject(id).orElseThrow().path("status");
    }

    /** After a tick: the object shows exactly the stored status, in Flagger's form. */
    static JsonNode mirrored(Rollout r) {
        CanaryStatus stored = rig.status(r).status();
        JsonNode s = objectStatus(r.id());
        assertThat(s).as("the Canary object's status after the tick").isEqualTo(FlaggerStatus.render(stored, Optional.empty()));
        return s;
    }

    static void shows(JsonNode s, String phase, int weight, int failedChecks, int iterations, String promoted) {
        assertThat(s.path("phase").asText()).isEqualTo(phase);
        assertThat(s.path("canaryWeight").isNumber()).isTrue();
        assertThat(s.path("canaryWeight").asInt()).as("canaryWeight").isEqualTo(weight);
        assertThat(s.path("failedChecks").asInt()).as("failedChecks").isEqualTo(failedChecks);
        assertThat(s.path("iterations").asInt()).as("iterations").isEqualTo(iterations);
        assertThat(s.path("conditions").isArray()).isTrue();
        assertThat(s.at("/conditions/0/type").asText()).isEqualTo("Promoted");
        assertThat(s.at("/conditions/0/status").asText()).isEqualTo(promoted);
        assertThat(s.at("/conditions/0/reason").asText()).isEqualTo(phase);
    }

    @Test
    void aClusterCanaryShowsFlaggersStatusAtEveryStepAndItsEvents() {
        CanaryDocument doc = rig.clusterCanary("mirror", ANALYSIS);
        CanaryId id = doc.canary().id();
        JsonNode spec = rig.canaryObject(id).orElseThrow().path("spec");
        assertThat(objectStatus(id).isMissingNode()).isTrue();

        rig.firstPass(doc);
        JsonNode s = objectStatus(id);
        shows(s, "Initialized", 0, 0, 0, "True");
        String promotedSpec = s.path("lastPromotedSpec").asText();
        assertThat(promotedSpec).isNotEmpty().isEqualTo(s.path("lastAppliedSpec").asText());

        Rollout r = rig.newRevision(doc, PhaseRig.NEW_IMAGE);
        rig.expect(rig.initialize, r, "initialized");
        mirrored(r);
        rig.expect(rig.confirmRollout, r, "open");
        mirrored(r);
        rig.expect(rig.startRollout, r, "started");
        s = mirrored(r);
        shows(s, "Progressing", 0, 0, 0, "Unknown");
        assertThat(s.path("lastAppliedSpec").asText()).as("the new revision").isNotEqualTo(promotedSpec);
        assertThat(s.path("lastPromotedSpec").asText()).as("still the promoted one").isEqualTo(promotedSpec);

        rig.expect(rig.preRollout, r, "advanced");
        shows(mirrored(r), "Progressing", 10, 0, 0, "Unknown");
        rig.expect(rig.analysis, r, "advanced");
        shows(mirrored(r), "Progressing", 20, 0, 0, "Unknown");

        // a failed check is counted on the object as well
        rig.hooks.script(dev.flagstep.local.e2e.Prometheus.QUERY,
                dev.flagstep.testing.WebhookReceiver.Reply.status(200).body(dev.flagstep.local.e2e.Prometheus.vector(42.0)));
        try {
            rig.expect(rig.analysis, r, "failed");
        } finally {
            rig.hooks.script(dev.flagstep.local.e2e.Prometheus.QUERY,
                    dev.flagstep.testing.WebhookReceiver.Reply.status(200).body(dev.flagstep.local.e2e.Prometheus.vector(99.9)));
        }
        shows(mirrored(r), "Progressing", 20, 1, 0, "Unknown");

        rig.expect(rig.analysis, r, "promote");
        rig.expect(rig.confirmPromotion, r, "open");
        shows(mirrored(r), "Promoting", 20, 1, 0, "Unknown");
        rig.expect(rig.promote, r, "done");
        shows(mirrored(r), "Finalising", 0, 1, 0, "Unknown");
        rig.expect(rig.finalise, r, "finalised");
        rig.expect(rig.postRollout, r, "succeeded");
        s = mirrored(r);
        shows(s, "Succeeded", 0, s.path("failedChecks").asInt(), 0, "True");
        assertThat(s.path("lastPromotedSpec").asText()).as("the new revision is promoted").isEqualTo(s.path("lastAppliedSpec").asText())
                .isNotEqualTo(promotedSpec);
        assertThat(rig.canaryObject(id).orElseThrow().path("spec")).as("the spec is the user's").isEqualTo(spec);

        // every event of the canary is an Event on its object, found as kubectl describe finds them
        List<JsonNode> events = rig.kubeEvents(id);
        List<String> messages = events.stream().map(e -> e.path("message").asText()).toList();
        assertThat(messages).containsAll(rig.events(id)).contains(
                "Starting canary analysis for mirror.idem",
                "Advance mirror.idem canary weight 10",
                "Advance mirror.idem canary weight 20");
        String uid = rig.canaryObject(id).orElseThrow().at("/metadata/uid").asText();
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("reason").asText()).isEqualTo("Synced");
            assertThat(e.at("/source/component").asText()).isEqualTo("flagstep");
            assertThat(e.at("/involvedObject/uid").asText()).isEqualTo(uid);
            assertThat(e.path("type").asText()).isIn("Normal", "Warning");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("Warning");
            assertThat(e.path("message").asText()).isEqualTo("Halt mirror.idem advancement success rate 42.00% < 99%");
        });
        assertThat(rig.kubeEvents(new CanaryId(id.namespace(), "someone-else"))).isEmpty();
    }

    @Test
    void whileTheObjectIsInvalidTheTicksKeepItsStalledConditionOnTheStatusTheyWrite() {
        CanaryDocument doc = rig.clusterCanary("stalled", ANALYSIS);
        CanaryId id = doc.canary().id();
        Rollout r = rig.started(doc);
        // the sync found the object invalid: the rollout goes on with the last valid document
        rig.store.recordProblem(id, Optional.of("analysis.stepWeight: must be between 0 and 100, got -5"));

        rig.expect(rig.preRollout, r, "advanced");

        JsonNode s = objectStatus(id);
        shows(s, "Progressing", 10, 0, 0, "Unknown");
        assertThat(s.at("/conditions/1/type").asText()).isEqualTo("Stalled");
        assertThat(s.at("/conditions/1/message").asText()).contains("analysis.stepWeight");

        rig.store.recordProblem(id, Optional.empty());
        rig.expect(rig.analysis, r, "advanced");
        assertThat(objectStatus(id).path("conditions")).as("fixed: Promoted only").hasSize(1);
    }

    @Test
    void anApiCanaryCausesNoWriteToAnyCanaryObject() {
        CanaryDocument doc = rig.canary("api-only", ANALYSIS);
        CanaryId id = doc.canary().id();
        // an object of that name exists (say, for Flagger): flagstep must leave it alone
        rig.sim.client().create(ResourceKind.CANARY, objectFor(id));

        Rollout r = rig.analysing(doc);

        assertThat(rig.status(r).status().canaryWeight()).isEqualTo(10);
        assertThat(objectStatus(id).isMissingNode()).isTrue();
        assertThat(rig.kubeEvents(id)).isEmpty();
    }

    @Test
    void aMissingObjectDoesNotFailTheTick() {
        CanaryDocument doc = rig.clusterCanary("gone", ANALYSIS);
        CanaryId id = doc.canary().id();
        Rollout r = rig.started(doc);
        rig.sim.client().delete(ResourceKind.CANARY.ref(id.namespace(), id.name()));

        rig.expect(rig.preRollout, r, "advanced");

        assertThat(rig.status(r).status().canaryWeight()).isEqualTo(10);
        assertThat(rig.canaryObject(id)).isEmpty();
    }

    @Test
    void aFailingApiForTheObjectDoesNotFailTheTick() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        KubeClient down = new KubeClient(KubeEndpoint.of(URI.create("http://127.0.0.1:" + closedPort), BearerToken.of("t"))
                .withTimeout(Duration.ofSeconds(2)), pause -> { });
        Map<String, PhaseHandler> handlers = rig.handlersWith(new KubeCanaryObjects(() -> down, rig.clock));
        CanaryDocument doc = rig.clusterCanary("down", ANALYSIS);
        Rollout r = rig.started(doc);
        JsonNode before = objectStatus(doc.canary().id());

        rig.expect(handlers.get("PreRollout"), r, "advanced");
        rig.expect(handlers.get("Analysis"), r, "advanced");

        assertThat(rig.status(r).status().canaryWeight()).isEqualTo(20);
        assertThat(rig.events(doc.canary().id())).contains("Advance down.idem canary weight 20");
        assertThat(objectStatus(doc.canary().id())).as("not written, and no harm done").isEqualTo(before);
    }

    static com.fasterxml.jackson.databind.node.ObjectNode objectFor(CanaryId id) {
        var o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("apiVersion", "flagger.app/v1beta1").put("kind", "Canary");
        o.putObject("metadata").put("name", id.name()).put("namespace", id.namespace());
        o.putObject("spec").putObject("targetRef").put("apiVersion", "apps/v1").put("kind", "Deployment").put("name", id.name());
        return o;
    }
}

package dev.flagstep.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.testing.WebhookReceiver.Reply;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flagger's config tracking end to end: the primary reads {@code -primary} copies of the tracked ConfigMaps and
 * Secrets, a ConfigMap-only change is a new revision, and the copies change only at promotion.
 */
class TrackedConfigsE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static RolloutHarness h;

    @BeforeAll
    static void start() {
        h = RolloutHarness.start();
        h.hooks.script(Prometheus.QUERY, Reply.status(200).body(Prometheus.vector(99.9)));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void aConfigMapChangeIsRolledOutAndTheCopyChangesOnlyAtPromotion() throws Exception {
        String hooks = h.hooksUrl();
        h.hooks.script("/cfg/confirm-promotion", Reply.status(403));
        CanaryDocument doc = h.canary(CanaryYaml.named("cfg").metricsServer(hooks).analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                """ + CanaryYaml.webhooks(hooks + "/cfg", "confirm-promotion")));
        configMap("cfg-config", "{\"color\": \"blue\"}", Optional.empty());
        configMap("cfg-shared", "{\"team\": \"a\"}", Optional.of("disabled"));
        secret("cfg-secret", "Opaque", "{\"token\": \"czNjcjN0\"}");
        secret("cfg-registry", "kubernetes.io/dockerconfigjson", "{\".dockerconfigjson\": \"e30=\"}");
        mountConfigs("cfg");

        Execution bootstrap = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(bootstrap, ExecutionStatus.SUCCEEDED);

        // tracked configs are copied with their data only; opted out, registry and optional-missing ones are not
        assertThat(data(ResourceKind.CONFIG_MAP, "cfg-config-primary")).isEqualTo(JSON.readTree("{\"color\": \"blue\"}"));
        ObjectNode secretCopy = h.sim.object(ResourceKind.SECRET, "e2e", "cfg-secret-primary").orElseThrow();
        assertThat(secretCopy.path("type").asText()).isEqualTo("Opaque");
        assertThat(secretCopy.path("data")).isEqualTo(JSON.readTree("{\"token\": \"czNjcjN0\"}"));
        assertThat(h.sim.object(ResourceKind.CONFIG_MAP, "e2e", "cfg-shared-primary")).isEmpty();
        assertThat(h.sim.object(ResourceKind.SECRET, "e2e", "cfg-registry-primary")).isEmpty();
        assertThat(h.sim.object(ResourceKind.CONFIG_MAP, "e2e", "cfg-optional-primary")).isEmpty();
        // the primary reads the copies of the tracked ones and the originals of the others; the target is untouched
        assertThat(referencedNames("cfg-primary")).isEqualTo(
                "cfg-config-primary,cfg-secret-primary,cfg-shared,cfg-optional,cfg-registry");
        assertThat(referencedNames("cfg")).isEqualTo("cfg-config,cfg-secret,cfg-shared,cfg-optional,cfg-registry");
        // Flagger's status.trackedConfigs, byte for byte: blue and the secret's token
        assertThat(h.status(doc).trackedConfigs()).containsExactly(
                java.util.Map.entry("configmap/cfg-config", "f234cb93c08ad64e"),
                java.util.Map.entry("secret/cfg-secret", "6010bdf95cfd9d10"));
        String bootstrapped = h.status(doc).checksum();
        JsonNode primaryTemplate = template("cfg-primary");

        // an opted-out config's change is no new revision
        editData(ResourceKind.CONFIG_MAP, "cfg-shared", "{\"team\": \"b\"}");
        assertThat(h.cluster(doc).targetRevision()).isEqualTo(bootstrapped);

        // a ConfigMap-only change is: the Deployment's generation does not move, its revision does
        long generation = h.sim.object(ResourceKind.DEPLOYMENT, "e2e", "cfg").orElseThrow().at("/metadata/generation").asLong();
        editData(ResourceKind.CONFIG_MAP, "cfg-config", "{\"color\": \"green\"}");
        assertThat(h.sim.object(ResourceKind.DEPLOYMENT, "e2e", "cfg").orElseThrow().at("/metadata/generation").asLong())
                .isEqualTo(generation);
        String revision = h.cluster(doc).targetRevision();
        assertThat(revision).isNotEqualTo(bootstrapped);

        Execution rollout = h.runtime.startRollout(doc, revision);
        RolloutHarness.await("the rollout to wait for promotion", RolloutHarness.PATIENCE,
                () -> h.status(doc).phase() == CanaryPhase.WAITING_PROMOTION);
        // during the run the primary keeps the promoted config and its template
        assertThat(data(ResourceKind.CONFIG_MAP, "cfg-config-primary")).isEqualTo(JSON.readTree("{\"color\": \"blue\"}"));
        assertThat(template("cfg-primary")).isEqualTo(primaryTemplate);

        h.hooks.script("/cfg/confirm-promotion", Reply.status(200));
        h.assertEnded(rollout, ExecutionStatus.SUCCEEDED);
        assertThat(h.status(doc).phase()).isEqualTo(CanaryPhase.SUCCEEDED);
        assertThat(h.status(doc).checksum()).isEqualTo(revision);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(data(ResourceKind.CONFIG_MAP, "cfg-config-primary")).isEqualTo(JSON.readTree("{\"color\": \"green\"}"));
        assertThat(h.status(doc).trackedConfigs()).containsEntry("configmap/cfg-config", "b1c0d2a81c6839b3");
        assertThat(referencedNames("cfg-primary")).isEqualTo(
                "cfg-config-primary,cfg-secret-primary,cfg-shared,cfg-optional,cfg-registry");
        assertThat(h.messages(doc.canary().id())).contains(
                "New revision detected! Scaling up cfg.e2e",
                "Copying cfg.e2e template spec to cfg-primary.e2e");
    }

    @Test
    void aRolledBackConfigChangeLeavesThePrimaryOnThePromotedCopy() throws Exception {
        String name = "cfgrb";
        FailureKit.successRate(h, name, 99.9);
        CanaryDocument doc = h.canary(FailureKit.canary(h, name).analysis(
                FailureKit.analysis(h.hooksUrl(), name, 20, 50, "post-rollout")));
        configMap("cfg-config", "{\"color\": \"blue\"}", Optional.empty(), "e2e", name);
        h.sim.client().edit(ResourceKind.DEPLOYMENT.ref("e2e", name), d -> ((ObjectNode) d.at("/spec/template/spec"))
                .putArray("volumes").addObject().put("name", "config").putObject("configMap").put("name", name + "-config"));
        Execution bootstrap = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(bootstrap, ExecutionStatus.SUCCEEDED);
        JsonNode primaryTemplate = template(name + "-primary");

        FailureKit.successRate(h, name, 50);
        editData(ResourceKind.CONFIG_MAP, name + "-config", "{\"color\": \"green\"}");
        Execution rollout = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        h.assertEnded(rollout, ExecutionStatus.FAILED);

        FailureKit.assertRolledBack(h, doc);
        assertThat(data(ResourceKind.CONFIG_MAP, name + "-config-primary")).isEqualTo(JSON.readTree("{\"color\": \"blue\"}"));
        assertThat(template(name + "-primary")).isEqualTo(primaryTemplate);
        assertThat(template(name + "-primary").at("/spec/volumes/0/configMap/name").asText()).isEqualTo(name + "-config-primary");
    }

    /**
     * Flagger's {@code hasCanaryRevisionChanged} consults the tracked configs too: a ConfigMap edited while a run
     * waits for promotion supersedes it, the analysis restarts from zero weight, and only the newest data reaches
     * the primary's copy.
     */
    @Test
    void aConfigChangeMidRunRestartsTheAnalysisAndPromotesTheNewestData() throws Exception {
        String name = "cfgmid";
        FailureKit.successRate(h, name, 99.9);
        h.hooks.script("/" + name + "/confirm-promotion", Reply.status(403));
        CanaryDocument doc = h.canary(FailureKit.canary(h, name).analysis(
                FailureKit.analysis(h.hooksUrl(), name, 50, 50, "confirm-promotion")));
        configMap("cfg-config", "{\"color\": \"blue\"}", Optional.empty(), "e2e", name);
        h.sim.client().edit(ResourceKind.DEPLOYMENT.ref("e2e", name), d -> ((ObjectNode) d.at("/spec/template/spec"))
                .putArray("volumes").addObject().put("name", "config").putObject("configMap").put("name", name + "-config"));
        h.assertEnded(h.runtime.startRollout(doc, h.cluster(doc).targetRevision()), ExecutionStatus.SUCCEEDED);

        editData(ResourceKind.CONFIG_MAP, name + "-config", "{\"color\": \"green\"}");
        Execution first = h.runtime.startRollout(doc, h.cluster(doc).targetRevision());
        RolloutHarness.await("the first run to wait for promotion", RolloutHarness.PATIENCE,
                () -> h.status(doc).phase() == CanaryPhase.WAITING_PROMOTION);

        editData(ResourceKind.CONFIG_MAP, name + "-config", "{\"color\": \"red\"}");
        String newest = h.cluster(doc).targetRevision();
        Execution second = h.runtime.startRollout(doc, newest);
        assertThat(second.name()).isNotEqualTo(first.name());
        assertThat(h.awaitEnd(first)).as("the superseded execution").isEqualTo(ExecutionStatus.ABORTED);
        RolloutHarness.await("the second run to wait for promotion", RolloutHarness.PATIENCE,
                () -> h.status(doc).phase() == CanaryPhase.WAITING_PROMOTION);
        // neither run's data reached the primary before a promotion
        assertThat(data(ResourceKind.CONFIG_MAP, name + "-config-primary")).isEqualTo(JSON.readTree("{\"color\": \"blue\"}"));

        h.hooks.script("/" + name + "/confirm-promotion", Reply.status(200));
        h.assertEnded(second, ExecutionStatus.SUCCEEDED);
        assertThat(h.status(doc).checksum()).isEqualTo(newest);
        assertThat(h.routes(doc)).isEqualTo(Routes.allPrimary());
        assertThat(data(ResourceKind.CONFIG_MAP, name + "-config-primary")).isEqualTo(JSON.readTree("{\"color\": \"red\"}"));
        assertThat(h.runWeights(doc, second)).startsWith(0).endsWith(0);
        assertThat(h.messages(doc.canary().id())).containsSubsequence(
                "New revision detected! Scaling up " + name + ".e2e",
                "New revision detected! Restarting analysis for " + name + ".e2e",
                "Copying " + name + ".e2e template spec to " + name + "-primary.e2e");
    }

    // --- the cluster ---------------------------------------------------------------------------------------

    private static void configMap(String name, String data, Optional<String> tracking) throws Exception {
        configMap(name, data, tracking, "e2e", "");
    }

    private static void configMap(String base, String data, Optional<String> tracking, String ns, String prefix) throws Exception {
        String name = prefix.isEmpty() ? base : prefix + "-" + base.replaceFirst("^cfg-", "");
        ObjectNode cm = (ObjectNode) JSON.readTree("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}");
        ObjectNode md = cm.putObject("metadata").put("name", name).put("namespace", "e2e");
        tracking.ifPresent(t -> md.putObject("annotations").put("flagger.app/config-tracking", t));
        cm.set("data", JSON.readTree(data));
        h.sim.client().create(ResourceKind.CONFIG_MAP, cm);
    }

    private static void secret(String name, String type, String data) throws Exception {
        ObjectNode s = (ObjectNode) JSON.readTree("{\"apiVersion\": \"v1\", \"kind\": \"Secret\"}");
        s.putObject("metadata").put("name", name).put("namespace", "e2e");
        s.put("type", type).set("data", JSON.readTree(data));
        h.sim.client().create(ResourceKind.SECRET, s);
    }

    private static void editData(ResourceKind kind, String name, String data) throws Exception {
        JsonNode d = JSON.readTree(data);
        h.sim.client().edit(kind.ref("e2e", name), o -> o.set("data", d.deepCopy()));
    }

    /** The target reads a volume, an envFrom Secret, an opted-out ConfigMap, an optional missing one, a registry Secret. */
    private static void mountConfigs(String deployment) throws Exception {
        JsonNode volumes = JSON.readTree("""
                [{"name": "config", "configMap": {"name": "cfg-config"}},
                 {"name": "secret", "secret": {"secretName": "cfg-secret"}}]""");
        JsonNode envFrom = JSON.readTree("""
                [{"configMapRef": {"name": "cfg-shared"}},
                 {"configMapRef": {"name": "cfg-optional", "optional": true}},
                 {"secretRef": {"name": "cfg-registry"}}]""");
        h.sim.client().edit(ResourceKind.DEPLOYMENT.ref("e2e", deployment), d -> {
            ObjectNode pod = (ObjectNode) d.at("/spec/template/spec");
            pod.set("volumes", volumes.deepCopy());
            ((ObjectNode) pod.path("containers").get(0)).set("envFrom", envFrom.deepCopy());
        });
    }

    private static JsonNode data(ResourceKind kind, String name) {
        return h.sim.object(kind, "e2e", name).orElseThrow().path("data");
    }

    private static JsonNode template(String deployment) {
        return h.sim.object(ResourceKind.DEPLOYMENT, "e2e", deployment).orElseThrow().at("/spec/template");
    }

    /** The config names a Deployment's pod spec reads: volumes, then the first container's envFrom. */
    private static String referencedNames(String deployment) {
        JsonNode pod = template(deployment).path("spec");
        StringBuilder out = new StringBuilder();
        for (JsonNode v : pod.path("volumes")) {
            out.append(v.has("configMap") ? v.at("/configMap/name").asText() : v.at("/secret/secretName").asText()).append(',');
        }
        for (JsonNode e : pod.path("containers").get(0).path("envFrom")) {
            out.append(e.has("configMapRef") ? e.at("/configMapRef/name").asText() : e.at("/secretRef/name").asText()).append(',');
        }
        return out.substring(0, out.length() - 1);
    }
}

package dev.flagstep.workload.config;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.testing.KubeMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tracker against a real API server mock: what it reads, skips, refuses and writes. */
class ConfigTrackerTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static final String POD_SPEC = """
            {"volumes": [{"name": "c", "configMap": {"name": "app-config"}}],
             "containers": [{"name": "a", "envFrom": [
                {"configMapRef": {"name": "absent", "optional": true}},
                {"configMapRef": {"name": "shared"}},
                {"secretRef": {"name": "registry"}},
                {"secretRef": {"name": "token"}}]}]}""";

    @Test
    void tracksExistingConfigsExceptOptedOutAndRegistrySecretsAndCopiesThemTwice() {
        kube.apply(ResourceKind.CONFIG_MAP, "{\"metadata\": {\"name\": \"app-config\", \"namespace\": \"test\","
                + " \"labels\": {\"a\": \"b\"}}, \"data\": {\"color\": \"blue\"}, \"binaryData\": {\"x\": \"AA==\"}}");
        kube.apply(ResourceKind.CONFIG_MAP, "{\"metadata\": {\"name\": \"shared\", \"namespace\": \"test\","
                + " \"annotations\": {\"flagger.app/config-tracking\": \"disabled\"}}, \"data\": {\"k\": \"v\"}}");
        kube.apply(ResourceKind.SECRET, "{\"metadata\": {\"name\": \"registry\", \"namespace\": \"test\"},"
                + " \"type\": \"kubernetes.io/dockerconfigjson\", \"data\": {\".dockerconfigjson\": \"e30=\"}}");
        kube.apply(ResourceKind.SECRET, "{\"metadata\": {\"name\": \"token\", \"namespace\": \"test\"},"
                + " \"type\": \"Opaque\", \"data\": {\"token\": \"czNjcjN0\"}}");
        ConfigTracker tracker = new ConfigTracker(kube.client(), "test");

        TrackedConfigs tracked = tracker.tracked(json(POD_SPEC));
        assertThat(tracked.checksums()).containsExactly(
                java.util.Map.entry("configmap/app-config", "f234cb93c08ad64e"),
                java.util.Map.entry("secret/token", "6010bdf95cfd9d10"));

        tracker.copyToPrimary(tracked);
        assertThat(kube.require(ResourceKind.CONFIG_MAP.ref("test", "app-config-primary")).path("data"))
                .isEqualTo(json("{\"color\": \"blue\"}"));
        assertThat(kube.require(ResourceKind.CONFIG_MAP.ref("test", "app-config-primary")).has("binaryData")).isFalse();
        assertThat(kube.require(ResourceKind.SECRET.ref("test", "token-primary")).path("type").asText()).isEqualTo("Opaque");
        assertThat(kube.stored(ResourceKind.CONFIG_MAP.ref("test", "shared-primary"))).isEmpty();
        assertThat(kube.stored(ResourceKind.SECRET.ref("test", "registry-primary"))).isEmpty();

        // a second copy updates the existing object
        kube.client().edit(ResourceKind.CONFIG_MAP.ref("test", "app-config"), c -> c.putObject("data").put("color", "green"));
        tracker.copyToPrimary(tracker.tracked(json(POD_SPEC)));
        assertThat(kube.require(ResourceKind.CONFIG_MAP.ref("test", "app-config-primary")).path("data"))
                .isEqualTo(json("{\"color\": \"green\"}"));
    }

    @Test
    void aMissingMandatoryConfigFailsNamingIt() {
        ConfigTracker tracker = new ConfigTracker(kube.client(), "test");
        assertThatThrownBy(() -> tracker.tracked(json("""
                {"containers": [{"name": "a", "env": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "db", "key": "k"}}}]}]}""")))
                .hasMessageContaining("secret db.test");
        assertThat(tracker.tracked(json("""
                {"containers": [{"name": "a", "env": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "db", "key": "k", "optional": true}}}]}]}"""))
                .isEmpty()).isTrue();
    }
}

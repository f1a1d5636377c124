package dev.flagstep.workload.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TrackedConfigsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode object(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static ObjectNode annotated(String value) throws Exception {
        return object("{\"metadata\": {\"annotations\": {\"flagger.app/config-tracking\": \"" + value + "\"}}}");
    }

    @Test
    void anAnnotationStartingWithDisableOptsOutCaseSensitively() throws Exception {
        ConfigRef cm = ConfigRef.configMap("c");
        for (String out : new String[] {"disable", "disabled", "disabledX"}) {
            assertThat(TrackedConfigs.tracks(cm, annotated(out))).as(out).isFalse();
        }
        for (String in : new String[] {"false", "off", "Disabled", "enabled", ""}) {
            assertThat(TrackedConfigs.tracks(cm, annotated(in))).as(in).isTrue();
        }
        assertThat(TrackedConfigs.tracks(cm, object("{}"))).isTrue();
    }

    @Test
    void onlyFlaggersSecretTypesAreTracked() throws Exception {
        ConfigRef s = ConfigRef.secret("s");
        for (String t : new String[] {"Opaque", "kubernetes.io/basic-auth", "kubernetes.io/ssh-auth", "kubernetes.io/tls"}) {
            assertThat(TrackedConfigs.tracks(s, object("{\"type\": \"" + t + "\"}"))).as(t).isTrue();
        }
        for (String t : new String[] {"kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg",
                "kubernetes.io/service-account-token", "bootstrap.kubernetes.io/token", "example.com/custom"}) {
            assertThat(TrackedConfigs.tracks(s, object("{\"type\": \"" + t + "\"}"))).as(t).isFalse();
        }
        assertThat(TrackedConfigs.tracks(s, object("{}"))).as("no type is Opaque").isTrue();
    }

    @Test
    void checksumsAreKeyedAsFlaggersStatus() throws Exception {
        TrackedConfigs t = new TrackedConfigs(new TreeMap<>(Map.of(
                ConfigRef.configMap("podinfo-config"), object("{\"data\": {\"color\": \"blue\"}, \"binaryData\": {\"x\": \"AA==\"}}"),
                ConfigRef.secret("podinfo-secret"), object("{\"type\": \"Opaque\", \"data\": {\"token\": \"czNjcjN0\"}}"))));
        assertThat(t.checksums()).containsExactly(
                Map.entry("configmap/podinfo-config", "f234cb93c08ad64e"),
                Map.entry("secret/podinfo-secret", "6010bdf95cfd9d10"));
    }

    @Test
    void versionsChangeWithAnyWriteEvenBackToEarlierData() throws Exception {
        TrackedConfigs a = new TrackedConfigs(new TreeMap<>(Map.of(ConfigRef.configMap("c"),
                object("{\"metadata\": {\"resourceVersion\": \"5\"}, \"data\": {\"color\": \"blue\"}}"))));
        TrackedConfigs again = new TrackedConfigs(new TreeMap<>(Map.of(ConfigRef.configMap("c"),
                object("{\"metadata\": {\"resourceVersion\": \"7\"}, \"data\": {\"color\": \"blue\"}}"))));
        assertThat(a.checksums()).isEqualTo(again.checksums());
        assertThat(a.versions()).isNotEqualTo(again.versions());
        assertThat(TrackedConfigs.none().versions()).isEmpty();
    }

    @Test
    void theCopyCarriesDataAndTypeOnly() throws Exception {
        ObjectNode source = object("""
                {"metadata": {"name": "s", "labels": {"a": "b"}, "annotations": {"flagger.app/config-tracking": "enabled"},
                 "resourceVersion": "3", "uid": "u"}, "type": "kubernetes.io/tls", "immutable": true,
                 "data": {"tls.crt": "YQ=="}}""");
        assertThat(PrimaryConfig.of(ConfigRef.secret("s"), source, "ns")).isEqualTo(object("""
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s-primary", "namespace": "ns"},
                 "type": "kubernetes.io/tls", "data": {"tls.crt": "YQ=="}}"""));
        ObjectNode cm = object("{\"metadata\": {\"name\": \"c\"}, \"binaryData\": {\"b\": \"AA==\"}}");
        assertThat(PrimaryConfig.of(ConfigRef.configMap("c"), cm, "ns")).isEqualTo(object("""
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c-primary", "namespace": "ns"}}"""));
    }
}

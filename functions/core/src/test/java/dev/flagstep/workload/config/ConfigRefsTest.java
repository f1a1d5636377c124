package dev.flagstep.workload.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigRefsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every reference form Flagger scans, plus forms it does not (downwardAPI, imagePullSecrets, ephemeral). */
    static final String POD_SPEC = """
            {"volumes": [
               {"name": "c", "configMap": {"name": "cm-volume", "items": [{"key": "k", "path": "p"}]}},
               {"name": "s", "secret": {"secretName": "secret-volume", "optional": true}},
               {"name": "p", "projected": {"sources": [
                  {"configMap": {"name": "cm-projected"}}, {"secret": {"name": "secret-projected"}},
                  {"downwardAPI": {"items": []}}, {"serviceAccountToken": {"path": "t"}}]}},
               {"name": "e", "emptyDir": {}}],
             "imagePullSecrets": [{"name": "registry"}],
             "containers": [{"name": "app",
               "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cm-env", "key": "a"}}},
                       {"name": "B", "valueFrom": {"secretKeyRef": {"name": "secret-env", "key": "b", "optional": true}}},
                       {"name": "C", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                       {"name": "D", "value": "plain"}],
               "envFrom": [{"configMapRef": {"name": "cm-envfrom"}}, {"secretRef": {"name": "secret-envfrom"}}]}],
             "initContainers": [{"name": "init", "envFrom": [{"configMapRef": {"name": "cm-init", "optional": false}}]}],
             "ephemeralContainers": [{"name": "debug", "envFrom": [{"configMapRef": {"name": "cm-ephemeral"}}]}]}
            """;

    static ObjectNode podSpec() throws Exception {
        return (ObjectNode) JSON.readTree(POD_SPEC);
    }

    @Test
    void findsEveryFormFlaggerScansWithItsMandatoryFlag() throws Exception {
        assertThat(ConfigRefs.scan(podSpec())).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
                ConfigRef.configMap("cm-volume"), true,
                ConfigRef.secret("secret-volume"), false,
                ConfigRef.configMap("cm-projected"), true,
                ConfigRef.secret("secret-projected"), true,
                ConfigRef.configMap("cm-env"), true,
                ConfigRef.secret("secret-env"), false,
                ConfigRef.configMap("cm-envfrom"), true,
                ConfigRef.secret("secret-envfrom"), true,
                ConfigRef.configMap("cm-init"), true)));
    }

    @Test
    void theLastReferenceDecidesTheFlag() throws Exception {
        ObjectNode spec = (ObjectNode) JSON.readTree("""
                {"volumes": [{"name": "c", "configMap": {"name": "x"}}],
                 "containers": [{"name": "a", "envFrom": [{"configMapRef": {"name": "x", "optional": true}}]}]}""");
        assertThat(ConfigRefs.scan(spec)).containsExactlyEntriesOf(Map.of(ConfigRef.configMap("x"), false));
        ObjectNode reversed = (ObjectNode) JSON.readTree("""
                {"volumes": [{"name": "c", "configMap": {"name": "x", "optional": true}}],
                 "containers": [{"name": "a", "envFrom": [{"configMapRef": {"name": "x"}}]}]}""");
        assertThat(ConfigRefs.scan(reversed)).containsExactlyEntriesOf(Map.of(ConfigRef.configMap("x"), true));
    }

    @Test
    void aConfigMapAndASecretOfTheSameNameAreTwoConfigs() throws Exception {
        ObjectNode spec = (ObjectNode) JSON.readTree("""
                {"containers": [{"name": "a", "envFrom": [{"configMapRef": {"name": "x"}}, {"secretRef": {"name": "x"}}]}]}""");
        assertThat(ConfigRefs.scan(spec).keySet()).extracting(ConfigRef::key).containsExactly("configmap/x", "secret/x");
    }

    @Test
    void aPodSpecWithoutReferencesHasNone() throws Exception {
        assertThat(ConfigRefs.scan(JSON.readTree("{\"containers\": [{\"name\": \"a\", \"image\": \"i\"}]}"))).isEmpty();
        assertThat(ConfigRefs.scan(JSON.readTree("{}"))).isEmpty();
    }

    @Test
    void rewritingNamesTheCopiesOfTrackedConfigsOnly() throws Exception {
        ObjectNode spec = podSpec();
        PrimaryPodSpec.rewrite(spec, Set.of(ConfigRef.configMap("cm-volume"), ConfigRef.secret("secret-volume"),
                ConfigRef.configMap("cm-projected"), ConfigRef.secret("secret-projected"), ConfigRef.configMap("cm-env"),
                ConfigRef.secret("secret-envfrom"), ConfigRef.configMap("cm-init"), ConfigRef.configMap("cm-ephemeral")));
        ObjectNode expected = podSpec();
        ((ObjectNode) expected.at("/volumes/0/configMap")).put("name", "cm-volume-primary");
        ((ObjectNode) expected.at("/volumes/1/secret")).put("secretName", "secret-volume-primary");
        ((ObjectNode) expected.at("/volumes/2/projected/sources/0/configMap")).put("name", "cm-projected-primary");
        ((ObjectNode) expected.at("/volumes/2/projected/sources/1/secret")).put("name", "secret-projected-primary");
        ((ObjectNode) expected.at("/containers/0/env/0/valueFrom/configMapKeyRef")).put("name", "cm-env-primary");
        ((ObjectNode) expected.at("/containers/0/envFrom/1/secretRef")).put("name", "secret-envfrom-primary");
        ((ObjectNode) expected.at("/initContainers/0/envFrom/0/configMapRef")).put("name", "cm-init-primary");
        // untracked (secret-env, cm-envfrom), ephemeral containers and imagePullSecrets keep their names
        assertThat(spec).isEqualTo(expected);
    }
}

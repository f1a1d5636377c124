package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Strategic merge patch as kubectl sends it for Deployments and Services. */
class StrategicMergePatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEPLOYMENT = """
            {"spec":{"replicas":2,"template":{"spec":{"containers":[
              {"name":"podinfo","image":"podinfo:6.0.0","ports":[{"containerPort":9898,"name":"http"}],
               "env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},
              {"name":"sidecar","image":"envoy:1"}]}}}}""";

    @Test
    void setImageChangesOneContainerAndKeepsTheRest() throws Exception {
        JsonNode r = apply(DEPLOYMENT, """
                {"spec":{"template":{"spec":{"containers":[{"name":"podinfo","image":"podinfo:6.0.1"}]}}}}""");
        JsonNode containers = r.path("spec").path("template").path("spec").path("containers");
        assertThat(containers).hasSize(2);
        assertThat(containers.get(0).path("image").asText()).isEqualTo("podinfo:6.0.1");
        assertThat(containers.get(0).path("ports").get(0).path("containerPort").asInt()).isEqualTo(9898);
        assertThat(containers.get(1).path("image").asText()).isEqualTo("envoy:1");
        assertThat(r.path("spec").path("replicas").asInt()).isEqualTo(2);
    }

    @Test
    void applysDirectivesAreHonouredOrIgnored() throws Exception {
        JsonNode r = apply(DEPLOYMENT, """
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"podinfo"},{"name":"sidecar"}],
                  "containers":[{"name":"podinfo","env":[{"name":"A","$patch":"delete"},{"name":"C","value":"3"}]},
                                {"name":"sidecar","$patch":"delete"}]}}}}""");
        JsonNode containers = r.path("spec").path("template").path("spec").path("containers");
        assertThat(containers).hasSize(1);
        assertThat(containers.get(0).path("env").findValuesAsText("name")).containsExactly("B", "C");
        assertThat(r.path("spec").path("template").path("spec").has("$setElementOrder/containers")).isFalse();
    }

    @Test
    void servicePortsMergeOnPortAndListsWithoutAKeyAreReplaced() throws Exception {
        JsonNode r = apply("""
                {"spec":{"ports":[{"port":80,"targetPort":9898},{"port":443,"targetPort":8443}],"hosts":["a","b"]}}""",
                """
                {"spec":{"ports":[{"port":80,"targetPort":8080}],"hosts":["c"]}}""");
        assertThat(r.path("spec").path("ports")).hasSize(2);
        assertThat(r.path("spec").path("ports").get(0).path("targetPort").asInt()).isEqualTo(8080);
        assertThat(r.path("spec").path("hosts").toString()).isEqualTo("[\"c\"]");
    }

    @Test
    void nullRemovesAndReplaceDirectiveReplacesAMap() throws Exception {
        JsonNode r = apply("{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"},\"annotations\":{\"x\":\"y\"}}}",
                "{\"metadata\":{\"labels\":{\"$patch\":\"replace\",\"c\":\"3\"},\"annotations\":null}}");
        assertThat(r).isEqualTo(JSON.readTree("{\"metadata\":{\"labels\":{\"c\":\"3\"}}}"));
    }

    private static JsonNode apply(String target, String patch) throws Exception {
        return StrategicMergePatch.apply(JSON.readTree(target), JSON.readTree(patch));
    }
}

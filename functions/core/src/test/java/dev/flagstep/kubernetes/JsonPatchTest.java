package dev.flagstep.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JsonPatchTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void diffAddsRemovesAndReplacesWithEscapedPointers() throws Exception {
        var from = JSON.readTree("""
                {"metadata":{"annotations":{"a":"1","gone":"x"}},"spec":{"list":[1,2],"same":[{"w":1}]}}""");
        var to = JSON.readTree("""
                {"metadata":{"annotations":{"a":"2","alb.ingress.kubernetes.io/actions.podinfo":"{}"}},"spec":{"list":[1,2,3],"same":[{"w":5}]}}""");

        assertThat(JsonPatch.diff(from, to).toString()).isEqualTo("["
                + "{\"op\":\"replace\",\"path\":\"/metadata/annotations/a\",\"value\":\"2\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/gone\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/annotations/alb.ingress.kubernetes.io~1actions.podinfo\",\"value\":\"{}\"},"
                + "{\"op\":\"replace\",\"path\":\"/spec/list\",\"value\":[1,2,3]},"
                + "{\"op\":\"replace\",\"path\":\"/spec/same/0/w\",\"value\":5}]");
        assertThat(JsonPatch.diff(to, to)).isEmpty();
    }

    @Test
    void guardedPatchStartsWithTheResourceVersionTest() throws Exception {
        var ops = JsonPatch.diff(JSON.readTree("{\"a\":1}"), JSON.readTree("{\"a\":2}"));
        assertThat(JsonPatch.guarded("42", ops).get(0).toString())
                .isEqualTo("{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"}");
        assertThat(JsonPatch.escape("a~b/c")).isEqualTo("a~0b~1c");
    }
}

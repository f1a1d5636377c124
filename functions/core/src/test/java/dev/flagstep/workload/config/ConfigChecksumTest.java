package dev.flagstep.workload.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

/** Flagger's checksums for the same data (vectors from Go's encoder rules, docs/migrating-from-flagger.md). */
class ConfigChecksumTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void absentDataIsGoNilMapAndHashesAsNull() {
        assertThat(ConfigChecksum.of(MissingNode.getInstance())).isEqualTo("74234e98afe7498f");
        assertThat(ConfigChecksum.of(NullNode.getInstance())).isEqualTo("74234e98afe7498f");
        assertThat(ConfigChecksum.of(null)).isEqualTo("74234e98afe7498f");
    }

    @Test
    void emptyDataIsWhatTheApiServerOmitsSoItHashesAsNullToo() throws Exception {
        // the API server drops an empty data map: Flagger never sees {} (whose checksum would be 44136fa355b3678a)
        assertThat(ConfigChecksum.of(json("{}"))).isEqualTo("74234e98afe7498f");
    }

    @Test
    void flaggersVectors() throws Exception {
        assertThat(ConfigChecksum.of(json("{\"color\":\"blue\"}"))).isEqualTo("f234cb93c08ad64e");
        assertThat(ConfigChecksum.of(json("{\"color\":\"green\"}"))).isEqualTo("b1c0d2a81c6839b3");
        assertThat(ConfigChecksum.of(json("{\"token\":\"czNjcjN0\"}"))).isEqualTo("6010bdf95cfd9d10");
    }

    @Test
    void keysAreSortedWhateverTheOrderRead() throws Exception {
        assertThat(ConfigChecksum.of(json("{\"b\":\"2\",\"a\":\"1\"}"))).isEqualTo("21f76dfbfe6dfe21");
        assertThat(ConfigChecksum.of(json("{\"a\":\"1\",\"b\":\"2\"}"))).isEqualTo("21f76dfbfe6dfe21");
    }

    @Test
    void htmlCharactersAreEscapedAsGoDoes() throws Exception {
        assertThat(ConfigChecksum.goJson(json("{\"html\":\"<a&b>\"}"))).isEqualTo("{\"html\":\"\\u003ca\\u0026b\\u003e\"}");
        assertThat(ConfigChecksum.of(json("{\"html\":\"<a&b>\"}"))).isEqualTo("90da32b9f8dad2bf");
    }

    @Test
    void controlCharactersQuotesAndLineSeparatorsAreEscapedAsGoDoes() throws Exception {
        assertThat(ConfigChecksum.goJson(json("{\"k\":\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fj\\u2028k\\u2029\"}")))
                .isEqualTo("{\"k\":\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u001fj\\u2028k\\u2029\"}");
        assertThat(ConfigChecksum.goJson(json("{\"k\":\"é😀\"}"))).isEqualTo("{\"k\":\"é😀\"}");
    }

    @Test
    void keysSortByUtf8BytesNotUtf16Units() throws Exception {
        // UTF-16 puts U+1F600 (surrogate 0xD83D) before U+FF21; Go compares UTF-8 bytes: EF BC A1 < F0 9F 98 80
        String s = ConfigChecksum.goJson(json("{\"\\uff21\":\"1\",\"\\ud83d\\ude00\":\"2\"}"));
        assertThat(s).isEqualTo("{\"Ａ\":\"1\",\"😀\":\"2\"}");
    }
}

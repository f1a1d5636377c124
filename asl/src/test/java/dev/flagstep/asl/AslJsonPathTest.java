package dev.flagstep.asl;

import static dev.flagstep.asl.AslFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class AslJsonPathTest {

    private static final JsonNode DATA = json("{\"a\":{\"b\":[10,{\"c\":\"deep\"}],\"dotted.key\":1,\"it's\":2}}");
    private static final JsonNode CONTEXT = json("{\"State\":{\"Name\":\"S\"}}");

    private static JsonNode read(String path) {
        return JsonPath.parse(path).read(DATA, CONTEXT).orElse(null);
    }

    @Test
    void readsDotBracketIndexAndContextPaths() {
        assertThat(read("$")).isEqualTo(DATA);
        assertThat(read("$.a.b[0]").intValue()).isEqualTo(10);
        assertThat(read("$.a.b[1].c").textValue()).isEqualTo("deep");
        assertThat(read("$['a']['dotted.key']").intValue()).isEqualTo(1);
        assertThat(read("$.a[\"it's\"]").intValue()).isEqualTo(2);
        assertThat(read("$$.State.Name").textValue()).isEqualTo("S");
        assertThat(JsonPath.parse("$$.State").isContext()).isTrue();
    }

    @Test
    void missingNodesAreEmptyNotNull() {
        assertThat(JsonPath.parse("$.a.x").read(DATA, CONTEXT)).isEmpty();
        assertThat(JsonPath.parse("$.a.b[5]").read(DATA, CONTEXT)).isEmpty();
        assertThat(JsonPath.parse("$.a.b.c").read(DATA, CONTEXT)).isEmpty();
        assertThatThrownBy(() -> JsonPath.parse("$.a.x").require(DATA, CONTEXT, "f.$"))
                .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
    }

    @Test
    void writesCopiesAndCreatesMissingObjects() {
        JsonNode written = JsonPath.parse("$.a.new.deeper").write(DATA, json("true"));
        assertThat(written.at("/a/new/deeper").booleanValue()).isTrue();
        assertThat(DATA.at("/a/new").isMissingNode()).as("the input is not modified").isTrue();
        assertThat(JsonPath.parse("$").write(DATA, json("1"))).isEqualTo(json("1"));
        assertThat(JsonPath.parse("$.a.b[0]").write(DATA, json("11")).at("/a/b/0").intValue()).isEqualTo(11);
    }

    @Test
    void writingThroughScalarsOrMissingElementsFails() {
        assertThatThrownBy(() -> JsonPath.parse("$.a.b[0].x").write(DATA, json("1"))).isInstanceOf(StatesError.class);
        assertThatThrownBy(() -> JsonPath.parse("$.a.b[9]").write(DATA, json("1"))).isInstanceOf(StatesError.class);
        assertThatThrownBy(() -> JsonPath.parse("$.x").write(json("\"text\""), json("1"))).isInstanceOf(StatesError.class);
    }

    @Test
    void refusesWhatIsNotASingleNodePath() {
        for (String bad : new String[] {"a.b", "$.a[*]", "$..a", "$.a[?(@.x)]", "$.a[0:2]", "$.", "$a", "$.a['x'"}) {
            assertThatThrownBy(() -> JsonPath.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

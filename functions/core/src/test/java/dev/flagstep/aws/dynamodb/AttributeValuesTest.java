package dev.flagstep.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributeValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyTypeIsWrittenInDynamoDbsJsonAndReadBack() throws Exception {
        Map<String, AttributeValue> item = Map.of(
                "s", AttributeValue.fromS("podinfo"),
                "n", AttributeValue.fromN("42"),
                "b", AttributeValue.fromBool(true),
                "z", new AttributeValue.Null(),
                "m", AttributeValue.fromM(Map.of("at", AttributeValue.fromS("2026-01-01T00:00:00Z"))),
                "l", AttributeValue.fromL(List.of(AttributeValue.fromN("1"), AttributeValue.fromS("x"))),
                "ss", new AttributeValue.SS(List.of("a", "b")),
                "ns", new AttributeValue.NS(List.of("1", "2.5")));

        var json = AttributeValues.json(item);

        assertThat(json).isEqualTo(JSON.readTree("""
                {"s":{"S":"podinfo"},"n":{"N":"42"},"b":{"BOOL":true},"z":{"NULL":true},
                 "m":{"M":{"at":{"S":"2026-01-01T00:00:00Z"}}},"l":{"L":[{"N":"1"},{"S":"x"}]},
                 "ss":{"SS":["a","b"]},"ns":{"NS":["1","2.5"]}}
                """));
        assertThat(AttributeValues.item(json)).isEqualTo(item);
    }

    @Test
    void accessorsOfAnotherTypeReadAsAbsent() {
        AttributeValue n = AttributeValue.fromN("7");
        assertThat(n.asN()).contains("7");
        assertThat(n.asS()).isEmpty();
        assertThat(n.asL()).isEmpty();
        assertThat(AttributeValue.fromS("x").asBool()).isEmpty();
        assertThat(AttributeValue.fromM(Map.of()).asM()).contains(Map.of());
    }

    @Test
    void aMissingItemReadsAsEmptyAndBinaryIsRefusedByName() throws Exception {
        assertThat(AttributeValues.item(JSON.readTree("{}").path("Item"))).isEmpty();
        assertThatThrownBy(() -> AttributeValues.value(JSON.readTree("{\"B\":\"AAEC\"}")))
                .hasMessageContaining("unsupported DynamoDB attribute type B");
    }
}

package dev.flagstep.api.template;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a CloudFormation/SAM template, turning the short-form tags into the long form CloudFormation
 * itself sees: {@code !Ref X} becomes {@code {"Ref":"X"}}, {@code !GetAtt A.B} becomes
 * {@code {"Fn::GetAtt":["A","B"]}}, any other {@code !Fn v} becomes {@code {"Fn::Fn": v}}. Plain
 * Jackson would drop the tags and lose which values are references.
 */
public final class CfnYaml {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CfnYaml() {}

    public static JsonNode read(Path file) throws IOException {
        try (JsonParser p = new YAMLFactory().createParser(Files.readString(file))) {
            p.nextToken();
            return value(p);
        }
    }

    private static JsonNode value(JsonParser p) throws IOException {
        String tag = p.getTypeId() == null ? null : p.getTypeId().toString();
        JsonNode v = switch (p.currentToken()) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> array(p);
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> NODES.textNode(p.getText());
            case VALUE_TRUE, VALUE_FALSE -> NODES.booleanNode(p.getBooleanValue());
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected " + p.currentToken() + " at " + p.currentLocation());
        };
        return tag == null ? v : intrinsic(tag.startsWith("!") ? tag.substring(1) : tag, v);
    }

    private static JsonNode intrinsic(String tag, JsonNode v) {
        ObjectNode fn = NODES.objectNode();
        switch (tag) {
            case "Ref" -> fn.set("Ref", v);
            case "GetAtt" -> {
                if (v.isTextual()) {
                    String s = v.asText();
                    int dot = s.indexOf('.');
                    ArrayNode parts = fn.putArray("Fn::GetAtt");
                    parts.add(s.substring(0, dot)).add(s.substring(dot + 1));
                } else {
                    fn.set("Fn::GetAtt", v);
                }
            }
            case "Condition" -> fn.set("Condition", v);
            default -> fn.set("Fn::" + tag, v);
        }
        return fn;
    }

    private static ObjectNode object(JsonParser p) throws IOException {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            o.set(name, value(p));
        }
        return o;
    }

    private static ArrayNode array(JsonParser p) throws IOException {
        ArrayNode a = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            a.add(value(p));
        }
        return a;
    }

    /** The true branch of {@code Fn::If} (the template must hold with every condition true), else the node. */
    public static List<JsonNode> branches(JsonNode node) {
        if (node.has("Fn::If")) {
            JsonNode args = node.get("Fn::If");
            return List.of(args.get(1), args.get(2));
        }
        return List.of(node);
    }

    /** Whether the node is {@code !Ref AWS::NoValue}. */
    public static boolean isNoValue(JsonNode node) {
        return node.path("Ref").asText().equals("AWS::NoValue");
    }
}

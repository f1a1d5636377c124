package dev.flagstep.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * API Gateway HTTP API payload format 2.0, read and written with Jackson trees: no event POJOs and
 * no reflection, so a cold start loads a handful of classes. Bodies may arrive base64-encoded (API
 * Gateway does that for media types it does not consider text, e.g. {@code application/yaml}).
 */
public final class ApiGatewayV2 {

    private final ObjectMapper json;

    public ApiGatewayV2(ObjectMapper json) {
        this.json = json;
    }

    public HttpRequest request(JsonNode event) {
        JsonNode http = event.path("requestContext").path("http");
        String method = http.path("method").asText(event.path("httpMethod").asText("GET"));
        String path = event.path("rawPath").asText(http.path("path").asText("/"));
        Map<String, String> headers = new HashMap<>();
        event.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        Map<String, String> query = new HashMap<>();
        event.path("queryStringParameters").properties().forEach(e -> query.put(e.getKey(), e.getValue().asText()));
        byte[] body = body(event);
        Optional<String> caller = Optional.of(event.path("requestContext").path("authorizer").path("iam").path("userArn"))
                .filter(JsonNode::isTextual).map(JsonNode::asText).filter(s -> !s.isEmpty());
        Optional<String> sourceIp = Optional.of(http.path("sourceIp")).filter(JsonNode::isTextual).map(JsonNode::asText)
                .filter(s -> !s.isEmpty());
        return new HttpRequest(method, path, headers, query, body, caller, sourceIp);
    }

    private static byte[] body(JsonNode event) {
        JsonNode b = event.get("body");
        if (b == null || b.isNull()) {
            return new byte[0];
        }
        if (event.path("isBase64Encoded").asBoolean(false)) {
            try {
                return Base64.getDecoder().decode(b.asText());
            } catch (IllegalArgumentException e) {
                throw Problem.badRequest("the request body is marked base64 but is not valid base64");
            }
        }
        return b.asText().getBytes(StandardCharsets.UTF_8);
    }

    public ObjectNode response(HttpResponse r) {
        ObjectNode out = json.createObjectNode();
        out.put("statusCode", r.status());
        ObjectNode headers = out.putObject("headers");
        r.headers().forEach(headers::put);
        out.put("body", r.body());
        out.put("isBase64Encoded", false);
        return out;
    }
}

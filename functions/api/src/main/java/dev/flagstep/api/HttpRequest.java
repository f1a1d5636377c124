package dev.flagstep.api;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request as the API sees it, whoever carried it: API Gateway (payload v2, via
 * {@link ApiGatewayV2}) or the local runtime's HTTP server. Header names are matched without case.
 * {@code caller} is the authenticated principal (the IAM ARN API Gateway verified), if any;
 * {@code sourceIp} the address the request came from as the carrier saw it (API Gateway's
 * {@code requestContext.http.sourceIp}, not a header a client can set), for audit records.
 */
public record HttpRequest(
        String method, String path, Map<String, String> headers, Map<String, String> query, byte[] body,
        Optional<String> caller, Optional<String> sourceIp) {

    public HttpRequest {
        method = method.toUpperCase(Locale.ROOT);
        TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        headers = java.util.Collections.unmodifiableMap(h);
        query = Map.copyOf(query);
        body = body.clone();
    }

    /** A request whose source address is unknown. */
    public HttpRequest(String method, String path, Map<String, String> headers, Map<String, String> query, byte[] body,
            Optional<String> caller) {
        this(method, path, headers, query, body, caller, Optional.empty());
    }

    public static HttpRequest of(String method, String path, Map<String, String> headers, String body) {
        return new HttpRequest(method, path, headers, Map.of(), body.getBytes(StandardCharsets.UTF_8), Optional.empty());
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** The media type without parameters, lower case: {@code application/yaml; charset=utf-8} -> {@code application/yaml}. */
    public Optional<String> mediaType() {
        return header("content-type")
                .map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty());
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public int bodyLength() {
        return body.length;
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}

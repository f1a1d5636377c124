package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flagstep HTTP API (docs/api.md) as the CLI calls it: JSON in and out, each request signed by the
 * {@link RequestSigner}, every non-2xx answer turned into an {@link ApiFailure.Refused} with the problem document's
 * title, detail and field errors (or API Gateway's {@code {"message"}}), and every I/O failure into one
 * {@link ApiFailure.Unreachable} line.
 */
public final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final RequestSigner signer;
    private final HttpClient http;

    public ApiClient(URI base, RequestSigner signer, HttpClient http) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.signer = signer;
        this.http = http;
    }

    public URI base() {
        return base;
    }

    public RequestSigner signer() {
        return signer;
    }

    /** A 2xx answer: its status and JSON body (an empty object for an empty body). */
    public record Answer(int status, JsonNode body) {}

    public Answer get(String path) {
        return send("GET", path, Map.of(), new byte[0]);
    }

    public Answer postJson(String path, JsonNode body) {
        return send("POST", path, Map.of("Content-Type", "application/json"), body.toString().getBytes(StandardCharsets.UTF_8));
    }

    public Answer put(String path, String contentType, String body) {
        return send("PUT", path, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
    }

    private Answer send(String method, String path, Map<String, String> headers, byte[] body) {
        URI uri = URI.create(base + path);
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Accept", "application/json, application/problem+json");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        all.forEach(request::header);
        signer.sign(method, uri, all, body).forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new ApiFailure.Unreachable("cannot connect to " + base + " (is it running? flagstep serve, or --api/--stack)");
        } catch (HttpConnectTimeoutException e) {
            throw new ApiFailure.Unreachable("cannot connect to " + base + ": timed out");
        } catch (HttpTimeoutException e) {
            throw new ApiFailure.Unreachable("no answer from " + base + " within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new ApiFailure.Unreachable("cannot reach " + base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiFailure.Unreachable("interrupted calling " + base);
        }
        JsonNode json = parse(response.body());
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new Answer(status, json);
        }
        throw refused(status, json, new String(response.body(), StandardCharsets.UTF_8));
    }

    /** A problem document; else API Gateway's {@code {"message": ...}} (a refused signature, a missing route). */
    static ApiFailure.Refused refused(int status, JsonNode json, String raw) {
        String title = json.path("title").asText("");
        String detail = json.path("detail").asText("");
        if (title.isEmpty()) {
            title = switch (status) {
                case 401 -> "Unauthorized";
                case 403 -> "Forbidden";
                case 404 -> "Not found";
                default -> "HTTP " + status;
            };
            detail = json.path("message").asText(json.path("Message").asText(raw.length() > 200 ? raw.substring(0, 200) : raw.strip()));
        }
        List<ApiFailure.FieldError> errors = new ArrayList<>();
        for (JsonNode e : json.path("errors")) {
            errors.add(new ApiFailure.FieldError(e.path("path").asText(""), e.path("message").asText("")));
        }
        return new ApiFailure.Refused(status, title, detail, errors);
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode(); // a proxy's HTML page: the status says what happened
        }
    }
}

package dev.flagstep.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Optional;

/** curl for the tests: real HTTP/1.1 requests against a served URL, answers with status, headers and body. */
final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;

    Http(URI base) {
        this.base = base;
    }

    record Reply(int status, java.net.http.HttpHeaders headers, String body) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        String contentType() {
            return header("Content-Type").orElse("");
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + body;
        }
    }

    Reply get(String path) {
        return send("GET", path, Optional.empty(), Optional.empty(), Optional.empty());
    }

    Reply delete(String path) {
        return send("DELETE", path, Optional.empty(), Optional.empty(), Optional.empty());
    }

    Reply put(String path, String contentType, String body) {
        return send("PUT", path, Optional.of(contentType), Optional.of(body), Optional.empty());
    }

    Reply postJson(String path, String body) {
        return send("POST", path, Optional.of("application/json"), Optional.of(body), Optional.empty());
    }

    /** As curl -d: no Content-Type of its own (curl's form type is irrelevant here). */
    Reply post(String path, String body) {
        return send("POST", path, Optional.empty(), Optional.of(body), Optional.empty());
    }

    Reply send(String method, String path, Optional<String> contentType, Optional<String> body, Optional<String[]> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body.map(BodyPublishers::ofString).orElse(BodyPublishers.noBody()));
        contentType.ifPresent(t -> b.header("Content-Type", t));
        headers.ifPresent(h -> b.headers(h));
        try {
            var r = CLIENT.send(b.build(), BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

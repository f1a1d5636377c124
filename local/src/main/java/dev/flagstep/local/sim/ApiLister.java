package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.ResourceKind;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists every object of a kind in all namespaces: the one call the simulated controllers need that flagstep's
 * {@code KubeClient} does not make (flagstep never lists).
 */
final class ApiLister {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ApiLister(URI server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
    }

    List<ObjectNode> list(ResourceKind kind) {
        String root = kind.group().isEmpty() ? "/api/" + kind.version() : "/apis/" + kind.group() + "/" + kind.version();
        URI uri = URI.create(server + root + "/" + kind.plural());
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new KubeException.Unavailable("LIST " + kind.kind() + ": simulated API answered " + r.statusCode(), null);
            }
            List<ObjectNode> items = new ArrayList<>();
            for (JsonNode i : JSON.readTree(r.body()).path("items")) if (i instanceof ObjectNode o) items.add(o);
            return items;
        } catch (IOException e) {
            throw new KubeException.Unavailable("LIST " + kind.kind() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeException.Unavailable("LIST " + kind.kind() + ": interrupted", e);
        }
    }
}

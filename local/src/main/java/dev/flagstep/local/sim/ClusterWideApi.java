package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryId;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls on the simulated API that flagstep's {@code KubeClient} does not make, as it addresses one namespaced
 * object at a time: listing every object of a kind in all namespaces (what the simulated controllers watch) and
 * the cluster-scoped Namespace objects. The mock stores a namespaced object without its Namespace, but
 * {@code GET /api/v1/namespaces/{ns}} must answer 200 for the namespaces the cluster has, as flagstep asks whether
 * {@code name.ns} is a cluster Service.
 */
final class ClusterWideApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ClusterWideApi(URI server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
    }

    /** Every object of {@code kind} in all namespaces. */
    List<ObjectNode> list(ResourceKind kind) {
        String root = kind.group().isEmpty() ? "/api/" + kind.version() : "/apis/" + kind.group() + "/" + kind.version();
        String what = "LIST " + kind.kind();
        HttpResponse<String> r = send(what, HttpRequest.newBuilder(URI.create(server + root + "/" + kind.plural()))
                .header("Accept", "application/json").GET(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new KubeException.Unavailable(what + ": simulated API answered " + r.statusCode(), null);
        }
        try {
            List<ObjectNode> items = new ArrayList<>();
            for (JsonNode i : JSON.readTree(r.body()).path("items")) if (i instanceof ObjectNode o) items.add(o);
            return items;
        } catch (IOException e) {
            throw new KubeException.Unavailable(what + ": " + e, e);
        }
    }

    /** Creates Namespace {@code name} unless it exists. */
    void ensureNamespace(String name) {
        if (!CanaryId.isNamespace(name)) {
            throw new IllegalArgumentException("not a namespace name (a DNS-1123 label): '" + name + "'");
        }
        String what = "Namespace " + name;
        if (status(what, HttpRequest.newBuilder(server.resolve("/api/v1/namespaces/" + name)).GET()) == 200) return;
        ObjectNode ns = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", name);
        int status = status(what, HttpRequest.newBuilder(server.resolve("/api/v1/namespaces"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(ns.toString())));
        if (status != 200 && status != 201 && status != 409) {
            throw new IllegalStateException("the simulated cluster could not create namespace " + name + ": HTTP " + status);
        }
    }

    /** Creates the cluster-scoped object {@code object} in collection {@code path} unless one of its name exists. */
    void ensureClusterScoped(String path, ObjectNode object) {
        String what = object.path("kind").asText() + " " + object.path("metadata").path("name").asText();
        int status = status(what, HttpRequest.newBuilder(server.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(object.toString())));
        if (status != 200 && status != 201 && status != 409) {
            throw new IllegalStateException("the simulated cluster could not create " + what + ": HTTP " + status);
        }
    }

    private int status(String what, HttpRequest.Builder request) {
        return send(what, request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private <T> HttpResponse<T> send(String what, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.timeout(timeout).build(), body);
        } catch (IOException e) {
            throw new KubeException.Unavailable(what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeException.Unavailable(what + ": interrupted", e);
        }
    }
}

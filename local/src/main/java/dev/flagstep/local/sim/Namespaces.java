package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.spec.CanaryId;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The cluster's Namespace objects (cluster-scoped, so not reachable through {@code KubeClient}, which addresses
 * namespaced kinds): the mock stores a namespaced object without one, but {@code GET /api/v1/namespaces/{ns}} must
 * answer 200 for the namespaces the cluster has, as flagstep asks whether {@code name.ns} is a cluster Service.
 */
final class Namespaces {

    private final URI api;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    Namespaces(URI api, Duration timeout) {
        this.api = api;
        this.timeout = timeout;
    }

    /** Creates Namespace {@code name} unless it exists. */
    void ensure(String name) {
        if (!CanaryId.isNamespace(name)) {
            throw new IllegalArgumentException("not a namespace name (a DNS-1123 label): '" + name + "'");
        }
        if (send(HttpRequest.newBuilder(api.resolve("/api/v1/namespaces/" + name)).GET()) == 200) return;
        ObjectNode ns = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", name);
        int status = send(HttpRequest.newBuilder(api.resolve("/api/v1/namespaces")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ns.toString())));
        if (status != 200 && status != 201 && status != 409) {
            throw new IllegalStateException("the simulated cluster could not create namespace " + name + ": HTTP " + status);
        }
    }

    private int send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

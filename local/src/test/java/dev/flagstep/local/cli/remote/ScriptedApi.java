package dev.flagstep.local.cli.remote;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback fake of the flagstep API for the CLI's tests: each {@code METHOD path} answers its scripted replies in
 * order (the last one again and again), anything else 404 with a problem document; every request is recorded with
 * its headers and body.
 */
final class ScriptedApi implements AutoCloseable {

    record Reply(int status, String contentType, String body) {
        static Reply json(String body) {
            return new Reply(200, "application/json", body);
        }

        static Reply json(int status, String body) {
            return new Reply(status, "application/json", body);
        }

        static Reply problem(int status, String title, String detail) {
            return new Reply(status, "application/problem+json", "{\"type\":\"https://flagstep.dev/problems/x\",\"title\":\""
                    + title + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}");
        }
    }

    record Request(String method, String pathAndQuery, Headers headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final Map<String, Deque<Reply>> script = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    ScriptedApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), exchange.getRequestHeaders(), body));
            Deque<Reply> replies = script.get(key);
            Reply r;
            if (replies == null || replies.isEmpty()) {
                r = Reply.problem(404, "Not found", "no route " + key);
            } else {
                r = replies.size() > 1 ? replies.pollFirst() : replies.peekFirst();
            }
            byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", r.contentType());
            exchange.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
    }

    /** {@code "GET /canaries/test/podinfo"} answers these, in order. */
    ScriptedApi on(String methodAndPath, Reply... replies) {
        script.put(methodAndPath, new ArrayDeque<>(List.of(replies)));
        return this;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    long count(String methodAndPath) {
        return requests.stream().filter(r -> (r.method() + " " + URI.create(r.pathAndQuery()).getRawPath()).equals(methodAndPath)).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.flagstep.api.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda Runtime API (2018-06-01) as far as a runtime client uses it: {@code GET
 * invocation/next} hands out queued events (and holds the request while there are none, as Lambda
 * does), {@code POST invocation/{id}/response|error} and {@code init/error} are recorded. The next
 * answer carries {@code Content-Type: application/json}: without it the native client crashes.
 */
public final class FakeRuntimeApi implements AutoCloseable {

    public record Result(String requestId, String kind, String body) {}

    private static final String BASE = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final BlockingQueue<byte[]> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<Result> results = new LinkedBlockingQueue<>();
    private final Map<String, Boolean> issued = new ConcurrentHashMap<>();
    private int counter;

    public FakeRuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-runtime-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::serve);
        server.start();
    }

    /** {@code host:port}, the value of AWS_LAMBDA_RUNTIME_API. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public void enqueue(byte[] event) {
        events.add(event);
    }

    public Result awaitResult(long seconds) throws InterruptedException {
        Result r = results.poll(seconds, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no answer from the runtime within " + seconds + " s");
        }
        return r;
    }

    private void serve(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if (x.getRequestMethod().equals("GET") && path.equals(BASE + "invocation/next")) {
                byte[] event;
                try {
                    event = events.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                String id = "req-" + (++counter);
                issued.put(id, true);
                x.getResponseHeaders().put("Content-Type", List.of("application/json"));
                x.getResponseHeaders().put("Lambda-Runtime-Aws-Request-Id", List.of(id));
                x.getResponseHeaders().put("Lambda-Runtime-Deadline-Ms",
                        List.of(String.valueOf(System.currentTimeMillis() + 30_000)));
                x.getResponseHeaders().put("Lambda-Runtime-Invoked-Function-Arn",
                        List.of("arn:aws:lambda:us-east-1:123456789012:function:flagstep-api:live"));
                x.getResponseHeaders().put("Lambda-Runtime-Trace-Id", List.of("Root=1-00000000-000000000000000000000000"));
                x.sendResponseHeaders(200, event.length);
                x.getResponseBody().write(event);
                return;
            }
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.equals(BASE + "init/error")) {
                results.add(new Result("", "init-error", body));
            } else if (path.startsWith(BASE + "invocation/") && path.endsWith("/response")) {
                results.add(new Result(requestId(path), "response", body));
            } else if (path.startsWith(BASE + "invocation/") && path.endsWith("/error")) {
                results.add(new Result(requestId(path), "error", body));
            } else {
                x.sendResponseHeaders(404, -1);
                return;
            }
            x.sendResponseHeaders(202, -1);
        }
    }

    private static String requestId(String path) {
        String rest = path.substring((BASE + "invocation/").length());
        return rest.substring(0, rest.indexOf('/'));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

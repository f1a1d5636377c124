package dev.flagstep.local.sim;

import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Executors;

/**
 * The cost of one webhook call through the simulated cluster's service proxy next to the same call straight to
 * the receiver on loopback (p50, p99, ratio; one run), and what the API front costs an ordinary Kubernetes call
 * (a Service GET at {@link SimulatedCluster#endpoint()} next to the mock itself). Figures for this machine.
 *
 * <p>Usage: {@code bench/service-proxy.sh [calls]} (default 2000).
 */
final class ServiceProxyBench {

    private ServiceProxyBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        byte[] payload = "{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Progressing\",\"metadata\":{}}".getBytes(StandardCharsets.UTF_8);
        HttpServer rx = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        rx.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, ok.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(ok);
                }
            }
        });
        rx.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        rx.start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (SimulatedCluster cluster = SimulatedCluster.start()) {
            URI backend = URI.create("http://127.0.0.1:" + rx.getAddress().getPort());
            cluster.backService("test", "flagger-loadtester", 80, backend);
            String api = cluster.endpoint().server().toString();
            URI direct = backend.resolve("/gate/approve");
            URI proxied = URI.create(api + "/api/v1/namespaces/test/services/flagger-loadtester:80/proxy/gate/approve");
            long[] d = time(http, direct, payload, calls);
            long[] p = time(http, proxied, payload, calls);
            URI viaFront = URI.create(api + "/api/v1/namespaces/test/services/flagger-loadtester");
            URI mock = URI.create(cluster.apiUrl() + "/api/v1/namespaces/test/services/flagger-loadtester");
            long[] m = time(http, mock, null, calls);
            long[] f = time(http, viaFront, null, calls);
            System.out.printf(Locale.ROOT, "webhook POST, %d calls each (after %d warm-up), microseconds:%n", calls, calls / 4);
            row("direct to the receiver", d);
            row("through the service proxy", p);
            ratio("proxy / direct", p, d);
            System.out.printf(Locale.ROOT, "Service GET, microseconds:%n");
            row("the mock API itself", m);
            row("at endpoint() (fault proxy + front)", f);
            ratio("endpoint() / mock", f, m);
        } finally {
            rx.stop(0);
        }
    }

    private static long[] time(HttpClient http, URI uri, byte[] body, int calls) throws Exception {
        for (int i = 0; i < calls / 4; i++) call(http, uri, body);
        long[] micros = new long[calls];
        for (int i = 0; i < calls; i++) {
            long t = System.nanoTime();
            call(http, uri, body);
            micros[i] = (System.nanoTime() - t) / 1000;
        }
        Arrays.sort(micros);
        return micros;
    }

    private static void call(HttpClient http, URI uri, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (body != null) b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) throw new IllegalStateException(uri + " answered " + r.statusCode());
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void row(String what, long[] s) {
        System.out.printf(Locale.ROOT, "  %-38s p50 %6d   p99 %6d%n", what, pct(s, 0.50), pct(s, 0.99));
    }

    private static void ratio(String what, long[] a, long[] b) {
        System.out.printf(Locale.ROOT, "  %-38s p50 %6.2fx  p99 %6.2fx%n", what,
                (double) pct(a, 0.50) / pct(b, 0.50), (double) pct(a, 0.99) / pct(b, 0.99));
    }
}

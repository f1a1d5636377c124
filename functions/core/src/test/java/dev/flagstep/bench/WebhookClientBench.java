package dev.flagstep.bench;

import com.sun.net.httpserver.HttpServer;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.webhook.HookOutcome;
import dev.flagstep.webhook.WebhookClient;
import dev.flagstep.webhook.WebhookPayload;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Per-call overhead of {@link WebhookClient} next to a bare {@link HttpClient} POST of the same bytes,
 * both against the same loopback JDK HttpServer (keep-alive, HTTP/1.1, empty 200). WebhookClient's
 * extra work per call: building the payload bytes (Go escaping), the deadline future, the retry and
 * redirect bookkeeping and the outcome. Warm-up, then interleaved rounds so drift hits both sides.
 *
 * <p>Usage: {@code bench/webhook.sh [measuredCallsPerSide] [warmupCallsPerSide]} (defaults 5000, 2000).
 */
public final class WebhookClientBench {

    private static final int ROUNDS = 10;

    public static void main(String[] args) throws Exception {
        int measured = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2000;

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
            Webhook hook = new Webhook("load-test", HookType.ROLLOUT, url, Duration.ofSeconds(10), 0, false, false,
                    Map.of("type", "cmd", "cmd", "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/ && echo > /dev/null"));
            CanaryId canary = new CanaryId("test", "podinfo");
            WebhookClient client = new WebhookClient();
            byte[] body = WebhookPayload.forHook(canary, hook, CanaryPhase.PROGRESSING, "85d557f47b").toJson();
            HttpClient bare = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

            Call viaClient = () -> {
                // the payload is built per call, as a phase handler does
                HookOutcome outcome = client.call(hook, WebhookPayload.forHook(canary, hook, CanaryPhase.PROGRESSING, "85d557f47b"));
                if (!outcome.passed()) {
                    throw new IllegalStateException(outcome.message());
                }
            };
            Call viaBare = () -> {
                HttpResponse<byte[]> response = bare.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("status " + response.statusCode());
                }
            };

            run(viaBare, warmup);
            run(viaClient, warmup);
            long[] bareNanos = new long[measured];
            long[] clientNanos = new long[measured];
            int perRound = Math.max(1, measured / ROUNDS);
            for (int done = 0; done < measured; done += perRound) {
                int n = Math.min(perRound, measured - done);
                time(viaBare, bareNanos, done, n);
                time(viaClient, clientNanos, done, n);
            }

            Stats b = Stats.of(bareNanos);
            Stats c = Stats.of(clientNanos);
            System.out.printf(Locale.ROOT, "WebhookClient bench: %d measured calls per side after %d warm-up, loopback JDK HttpServer, %d-byte body, JDK %s%n",
                    measured, warmup, body.length, Runtime.version());
            System.out.printf(Locale.ROOT, "%-22s %10s %10s %10s%n", "per call (us)", "mean", "p50", "p99");
            System.out.printf(Locale.ROOT, "%-22s %10.1f %10.1f %10.1f%n", "bare HttpClient", b.mean(), b.p50(), b.p99());
            System.out.printf(Locale.ROOT, "%-22s %10.1f %10.1f %10.1f%n", "WebhookClient", c.mean(), c.p50(), c.p99());
            System.out.printf(Locale.ROOT, "ratio WebhookClient/bare: mean %.2fx, p50 %.2fx; overhead p50 %+.1f us/call%n",
                    c.mean() / b.mean(), c.p50() / b.p50(), c.p50() - b.p50());
        } finally {
            server.stop(0);
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    private static void run(Call call, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            call.run();
        }
    }

    private static void time(Call call, long[] into, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            long start = System.nanoTime();
            call.run();
            into[i] = System.nanoTime() - start;
        }
    }

    private record Stats(double mean, double p50, double p99) {
        static Stats of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double mean = Arrays.stream(sorted).average().orElse(0) / 1000.0;
            return new Stats(mean, sorted[sorted.length / 2] / 1000.0, sorted[(int) (sorted.length * 0.99)] / 1000.0);
        }
    }
}

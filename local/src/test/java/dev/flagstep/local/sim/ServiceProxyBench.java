package dev.flagstep.local.sim;

import com.sun.net.httpserver.HttpServer;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.kubernetes.BearerToken;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeEndpoint;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.kubernetes.ServiceProxy;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.webhook.HookOutcome;
import dev.flagstep.webhook.Sleeper;
import dev.flagstep.webhook.WebhookClient;
import dev.flagstep.webhook.WebhookPayload;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The cost of one webhook call through the simulated cluster's service proxy next to the same call straight to the
 * receiver on loopback, on flagstep's own path: {@link WebhookClient#call} with the router the local runtime wires
 * ({@code new ServiceProxy(kubeClient)}), to {@code http://127.0.0.1:PORT/} (direct) and to
 * {@code http://receiver.bench/} (a Service backed by the same receiver, through {@link SimulatedCluster#endpoint()}:
 * fault proxy, API front, service proxy). The proxy's own hop is the same client's call answered by the proxy itself
 * (a Service in a namespace where proxying is forbidden: 403 before any Service lookup or forwarding), so the target
 * of issue 11, proxied &lt;= 1.2 x direct + hop, can be read at p50 and at p99. Also printed: a Service GET through
 * the same front (an ordinary Kubernetes call) and at the mock itself, and how many calls took over 20 ms (a 40 ms
 * cluster there is Nagle's algorithm meeting a delayed ACK somewhere on the path). Warm-up first, then interleaved
 * rounds so drift hits every side. Figures for this machine, one run; nothing here passes or fails.
 *
 * <p>Usage: {@code bench/service-proxy.sh [calls] [warmup]} (defaults 2000, 1000).
 */
final class ServiceProxyBench {

    private static final int ROUNDS = 10;

    private ServiceProxyBench() {
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
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
        try (SimulatedCluster cluster = SimulatedCluster.start()) {
            URI backend = URI.create("http://127.0.0.1:" + rx.getAddress().getPort());
            cluster.backService("bench", "receiver", 80, backend);
            cluster.backService("locked", "receiver", 80, backend);
            cluster.forbidProxy("locked", true);
            // as LocalRuntime wires it
            WebhookClient client = new WebhookClient(AddressGuard.local(), new ServiceProxy(cluster.client()), Sleeper.REAL,
                    Clock.systemUTC());
            WebhookPayload payload = new WebhookPayload("podinfo", "bench", CanaryPhase.PROGRESSING, "85d557f47b",
                    Map.of("type", "cmd", "cmd", "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/"));
            Webhook direct = hook(backend.resolve("/gate/approve"));
            Webhook proxied = hook(URI.create("http://receiver.bench/gate/approve"));
            Webhook refused = hook(URI.create("http://receiver.locked/gate/approve"));

            Call viaDirect = () -> expect(client.call(direct, payload), true);
            Call viaProxy = () -> expect(client.call(proxied, payload), true);
            Call hop = () -> expect(client.call(refused, payload), false);
            Call serviceGet = () -> {
                if (cluster.client().get(ResourceKind.SERVICE.ref("bench", "receiver")).isEmpty()) {
                    throw new IllegalStateException("Service bench/receiver is gone");
                }
            };
            KubeClient mock = new KubeClient(KubeEndpoint.of(cluster.apiUrl(), BearerToken.of("simulated")));
            Call mockGet = () -> mock.get(ResourceKind.SERVICE.ref("bench", "receiver"));
            Call[] sides = {viaDirect, viaProxy, hop, serviceGet, mockGet};
            for (Call c : sides) run(c, warmup);
            long[][] micros = new long[sides.length][calls];
            int perRound = Math.max(1, calls / ROUNDS);
            for (int done = 0; done < calls; done += perRound) {
                int n = Math.min(perRound, calls - done);
                for (int s = 0; s < sides.length; s++) time(sides[s], micros[s], done, n);
            }
            for (long[] m : micros) Arrays.sort(m);
            long[] d = micros[0], p = micros[1], h = micros[2], g = micros[3];

            System.out.printf(Locale.ROOT, "WebhookClient.call, %d calls each after %d warm-up, interleaved; JDK %s; microseconds:%n",
                    calls, warmup, Runtime.version());
            row("direct  http://127.0.0.1:PORT/", d);
            row("proxied http://receiver.bench/", p);
            row("proxy's own hop (403 from the proxy)", h);
            row("Service GET through the same front", g);
            row("Service GET at the mock itself", micros[4]);
            System.out.printf(Locale.ROOT, "  %-40s p50 %6.2fx  p99 %6.2fx%n", "proxied / direct",
                    ratio(p, d, 0.50), ratio(p, d, 0.99));
            target(d, p, h, 0.50);
            target(d, p, h, 0.99);
        } finally {
            rx.stop(0);
        }
    }

    private static Webhook hook(URI url) {
        return new Webhook("bench", HookType.PRE_ROLLOUT, url, Duration.ofSeconds(10), 0, false, false, Map.of());
    }

    private static void expect(HookOutcome outcome, boolean passed) {
        if (outcome.passed() != passed) throw new IllegalStateException(outcome.message());
    }

    private static void run(Call call, int n) throws Exception {
        for (int i = 0; i < n; i++) call.run();
    }

    private static void time(Call call, long[] into, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            long t = System.nanoTime();
            call.run();
            into[i] = (System.nanoTime() - t) / 1000;
        }
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double ratio(long[] a, long[] b, double p) {
        return (double) pct(a, p) / pct(b, p);
    }

    private static void row(String what, long[] s) {
        System.out.printf(Locale.ROOT, "  %-40s p50 %6d   p99 %6d   (%d over 20 ms)%n", what, pct(s, 0.50), pct(s, 0.99),
                Arrays.stream(s).filter(x -> x > 20_000).count());
    }

    /** Issue 11's target at percentile {@code p}: proxied against 1.2 x direct + the proxy's own hop, as figures. */
    private static void target(long[] direct, long[] proxied, long[] hop, double p) {
        double bound = 1.2 * pct(direct, p) + pct(hop, p);
        System.out.printf(Locale.ROOT, "  target at p%-2d: proxied %6d vs 1.2 x %d + %d = %.0f  (%s, proxied/bound %.2f)%n",
                Math.round(p * 100), pct(proxied, p), pct(direct, p), pct(hop, p), bound,
                pct(proxied, p) <= bound ? "holds" : "does not hold", pct(proxied, p) / bound);
    }
}

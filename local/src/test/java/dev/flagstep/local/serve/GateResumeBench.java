package dev.flagstep.local.serve;

import dev.flagstep.asl.HistoryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How soon a rollout parked on a built-in confirm-rollout gate resumes once the gate opens, through
 * {@code flagstep serve --simulate} as the tests run it ({@link ServeHarness}): from just before
 * {@code POST .../gates/confirm-rollout/open} to the parked wait's task token completing (TASK_SUCCEEDED
 * in the history) and to {@code GET} answering phase Progressing. The tests prove the token resumed the
 * rollout; how fast is a figure for this machine, printed here. Canaries check a closed gate every 10m
 * (6s at the harness's speed), so a resume much faster than 6s is the gate's doing.
 *
 * <p>Usage: {@code bench/gates.sh [rollouts]} (default 5).
 */
final class GateResumeBench {

    private GateResumeBench() {
    }

    public static void main(String[] args) throws Exception {
        int rollouts = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<long[]> figures = new ArrayList<>(); // per rollout: {to token, to Progressing} in microseconds
        try (ServeHarness h = ServeHarness.start()) {
            Map<String, Long> tokenAt = new ConcurrentHashMap<>();
            h.serve.runtime().interpreter().addListener((execution, event) -> {
                if (event.type() == HistoryEvent.Type.TASK_SUCCEEDED
                        && event.state().equals(Optional.of("WaitForConfirmRollout"))) {
                    tokenAt.putIfAbsent(execution.input().path("canary").path("name").asText(), System.nanoTime());
                }
            });
            for (int i = 0; i < rollouts; i++) {
                String name = "bench-" + i;
                String path = "/canaries/" + ServeHarness.NAMESPACE + "/" + name;
                h.bootstrap(ServeHarness.NAMESPACE, name, h.gatedCanary(ServeHarness.NAMESPACE, name));
                expect(h.http.postJson(path + "/rollouts", "{\"revision\":\"6.7.1\"}"), 201);
                ServeHarness.until(Duration.ofSeconds(60), () -> {
                    if (!h.http.get(path).json().at("/gates/confirm-rollout/rolloutWaiting").asBoolean()) {
                        throw new AssertionError(name + " not parked yet");
                    }
                });

                long opened = System.nanoTime();
                expect(h.http.postJson(path + "/gates/confirm-rollout/open", "{\"reason\":\"bench\"}"), 200);
                while (!h.http.get(path).json().at("/status/phase").asText().equals("Progressing")) {
                    if (System.nanoTime() - opened > Duration.ofSeconds(60).toNanos()) {
                        throw new IllegalStateException(name + " did not resume within 60s");
                    }
                    Thread.onSpinWait();
                }
                long progressing = System.nanoTime();
                long token = Optional.ofNullable(tokenAt.get(name)).orElse(-1L);
                figures.add(new long[] {token < 0 ? -1 : (token - opened) / 1_000, (progressing - opened) / 1_000});
                System.out.printf(Locale.ROOT, "%-10s token %8.1f ms   Progressing %8.1f ms%s%n", name,
                        token < 0 ? Double.NaN : (token - opened) / 1e6, (progressing - opened) / 1e6,
                        token < 0 ? "   (resumed by its interval, not the token)" : "");
            }
        }
        System.out.printf(Locale.ROOT, "gate open -> resumed, %d rollouts, JDK %s, %d cores:%n", rollouts,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-22s %10s %10s %10s%n", "(ms)", "mean", "p50", "max");
        print("token completed", figures.stream().mapToLong(f -> f[0]).filter(v -> v >= 0).sorted().toArray());
        print("phase Progressing", figures.stream().mapToLong(f -> f[1]).sorted().toArray());
    }

    private static void print(String what, long[] micros) {
        if (micros.length == 0) {
            System.out.printf(Locale.ROOT, "%-22s %10s%n", what, "none");
            return;
        }
        double mean = java.util.Arrays.stream(micros).average().orElseThrow() / 1e3;
        System.out.printf(Locale.ROOT, "%-22s %10.1f %10.1f %10.1f%n", what, mean, micros[micros.length / 2] / 1e3,
                micros[micros.length - 1] / 1e3);
    }

    private static void expect(Http.Reply reply, int status) {
        if (reply.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + reply);
        }
    }
}

package dev.flagstep.local.cli;

import dev.flagstep.local.LocalRuntime;

import dev.flagstep.analysis.Routes;
import dev.flagstep.asl.Execution;
import dev.flagstep.local.demo.DemoCanaries;
import dev.flagstep.local.demo.DemoReceivers;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.phases.cluster.KubeCanaryCluster;
import dev.flagstep.spec.CanaryDocument;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * {@code flagstep demo}: two canaries rolled out at once through the real state machine on a
 * simulated cluster, with real webhook receivers and a Prometheus endpoint on 127.0.0.1 backing the
 * cluster Services the canaries name, reached through the simulated API server's service proxy.
 * {@code podinfo} is promoted; {@code podinfo-bad}'s success rate is under its threshold, so it is
 * rolled back with traffic back on its primary. Exit 0 only if both end as expected.
 */
record DemoCommand(PrintStream out, PrintStream err) implements Command {

    @Override
    public int run(List<String> argv) {
        Args args = Args.parse(argv, Set.of("speed"), RuntimeOptions.REPEATABLE, Set.of());
        int speed = args.intOption("speed", 10);
        List<ServiceBacking> services = ServiceBacking.parseAll(args.all(ServiceBacking.OPTION));
        out.println("flagstep demo: two canaries on a simulated cluster, the clock running " + speed + "x");
        try (DemoReceivers receivers = new DemoReceivers(DemoCommand::prometheus);
                SimulatedCluster sim = SimulatedCluster.start()) {
            RuntimeOptions.back(sim, backings(receivers.services(), services));
            out.println("Hooks and metrics call cluster addresses (" + DemoCanaries.LOADTESTER + "/, " + DemoCanaries.EVENT_RECEIVER
                    + "/, " + DemoCanaries.PROMETHEUS + ") through the simulated API server's service proxy, to local receivers");
            List<CanaryDocument> docs = DemoCanaries.all();
            LocalRuntime.Settings settings = new LocalRuntime.Settings(Optional.empty(), speed, "gatewayapi",
                    DemoCanaries.PROMETHEUS, Optional.empty());
            try (LocalRuntime runtime = LocalRuntime.start(settings, sim.client())) {
                Progress progress = new Progress(out, Progress.isTerminal());
                RolloutWatcher watcher = new RolloutWatcher(runtime, progress);
                Map<String, KubeCanaryCluster> clusters = new LinkedHashMap<>();
                for (CanaryDocument doc : docs) {
                    sim.seed(doc.canary(), RunCommand.SIMULATED_IMAGE);
                    runtime.put(doc);
                    clusters.put(doc.canary().id().dotted(),
                            new KubeCanaryCluster(sim.client(), doc.canary(), "gatewayapi", runtime.clock()));
                }
                progress.note("Bootstrapping the primaries (Flagger's first pass), then deploying " + RunCommand.SIMULATED_NEW_IMAGE);
                for (CanaryDocument doc : docs) {
                    KubeCanaryCluster cluster = clusters.get(doc.canary().id().dotted());
                    Execution first = runtime.startRollout(doc, cluster.targetRevision());
                    watcher.follow(doc, first, LocalRuntime.patience(doc, speed));
                    sim.newRevision(doc.canary(), RunCommand.SIMULATED_NEW_IMAGE);
                }
                List<RolloutWatcher.Outcome> outcomes = new ArrayList<>();
                try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<RolloutWatcher.Outcome>> running = new ArrayList<>();
                    for (CanaryDocument doc : docs) {
                        Execution rollout = runtime.startRollout(doc, clusters.get(doc.canary().id().dotted()).targetRevision());
                        running.add(pool.submit(() -> watcher.follow(doc, rollout, LocalRuntime.patience(doc, speed))));
                    }
                    for (Future<RolloutWatcher.Outcome> f : running) {
                        outcomes.add(f.get());
                    }
                }
                Summary.print(out, outcomes, Optional.of(hookCalls(receivers)));
                return verdict(outcomes, clusters);
            }
        } catch (IOException | RuntimeException | java.util.concurrent.ExecutionException e) {
            return failed("flagstep demo: ", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
    }

    /** The demo's receivers, except where {@code --service} backs the same Service with a server of the user's; then those. */
    static List<ServiceBacking> backings(List<ServiceBacking> demo, List<ServiceBacking> given) {
        Set<String> named = given.stream().map(b -> b.name() + "." + b.namespace()).collect(Collectors.toSet());
        List<ServiceBacking> all = new ArrayList<>();
        demo.stream().filter(b -> !named.contains(b.name() + "." + b.namespace())).forEach(all::add);
        all.addAll(given);
        return all;
    }

    /**
     * What the demo's Prometheus answers: request durations in seconds (the builtin query is a
     * histogram quantile), success rates in percent; podinfo-bad fails its success rate.
     */
    static double prometheus(String query) {
        if (query.contains("_bucket")) {
            return 0.0425;
        }
        return query.contains("podinfo-bad") ? 82.5 : 99.8;
    }

    private int verdict(List<RolloutWatcher.Outcome> outcomes, Map<String, KubeCanaryCluster> clusters) {
        boolean ok = true;
        for (RolloutWatcher.Outcome o : outcomes) {
            boolean expectSuccess = !o.canary().name().endsWith("-bad");
            Routes routes = clusters.get(o.canary().dotted()).routes();
            boolean asExpected = expectSuccess
                    ? o.succeeded() && routes.equals(Routes.allPrimary())
                    : !o.succeeded() && o.finalPhase() == dev.flagstep.analysis.CanaryPhase.FAILED && routes.equals(Routes.allPrimary());
            out.printf(Locale.ROOT, "  %-20s expected %-9s -> %s (traffic %d/%d primary/canary)%n", o.canary().dotted(),
                    expectSuccess ? "Succeeded" : "Failed", asExpected ? "as expected" : "NOT as expected",
                    routes.primary(), routes.canary());
            ok &= asExpected;
        }
        out.println(ok ? "demo: both rollouts ended as expected" : "demo: a rollout did not end as expected");
        return ok ? 0 : 1;
    }

    /**
     * Per canary, the webhook calls the receivers saw, by Service and path:
     * "event-receiver.notifications/ x23, flagger-loadtester.test/ x5, flagger-loadtester.test/gate/approve x1".
     */
    private static Map<String, String> hookCalls(DemoReceivers receivers) {
        Map<String, Map<String, Long>> byCanary = new TreeMap<>();
        for (DemoReceivers.Call c : receivers.calls()) {
            String canary = c.body().path("name").asText() + "." + c.body().path("namespace").asText();
            byCanary.computeIfAbsent(canary, k -> new TreeMap<>()).merge(c.service() + c.path(), 1L, Long::sum);
        }
        Map<String, String> out = new LinkedHashMap<>();
        byCanary.forEach((k, v) -> out.put(k, v.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "))));
        return out;
    }
}

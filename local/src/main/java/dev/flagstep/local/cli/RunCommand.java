package dev.flagstep.local.cli;

import dev.flagstep.local.LocalRuntime;

import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.Kubeconfig;
import dev.flagstep.asl.Execution;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.phases.cluster.KubeCanaryCluster;
import dev.flagstep.spec.CanaryDocument;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code flagstep run CANARY.yaml}: one rollout of the canary through the real state machine, on a
 * cluster from a kubeconfig or on the simulated one. Exit 0 if it Succeeded, 1 if it Failed, 2 for a
 * bad document or setup.
 */
record RunCommand(PrintStream out, PrintStream err) implements Command {

    static final String SIMULATED_IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.0";
    static final String SIMULATED_NEW_IMAGE = "ghcr.io/stefanprodan/podinfo:6.7.1";

    @Override
    public int run(List<String> argv) {
        Args args = Args.parse(argv, RuntimeOptions.VALUED, RuntimeOptions.REPEATABLE, Set.of("simulate"));
        if (args.positional().size() != 1) {
            throw new Args.UsageException("run takes one canary file");
        }
        List<ServiceBacking> services = RuntimeOptions.services(args);
        Optional<CanaryDocument> read = ValidateCommand.read(Path.of(args.positional().get(0)), err);
        if (read.isEmpty()) {
            return 2;
        }
        CanaryDocument doc = read.get();
        int speed = args.intOption("speed", 1);
        LocalRuntime.Settings settings = RuntimeOptions.settings(args, Optional.empty());
        SimulatedCluster sim = null;
        try {
            KubeClient kube;
            if (args.flag("simulate")) {
                sim = SimulatedCluster.start();
                sim.seed(doc.canary(), SIMULATED_IMAGE);
                RuntimeOptions.back(sim, services);
                kube = sim.client();
            } else {
                kube = new KubeClient(Kubeconfig.load(RuntimeOptions.kubeconfig(args), args.option("context")).endpoint());
            }
            try (LocalRuntime runtime = LocalRuntime.start(settings, kube)) {
                runtime.put(doc);
                Progress progress = new Progress(out, Progress.isTerminal());
                RolloutWatcher watcher = new RolloutWatcher(runtime, progress);
                String provider = doc.canary().provider().orElse(settings.defaultProvider());
                KubeCanaryCluster cluster = new KubeCanaryCluster(kube, doc.canary(), provider, runtime.clock());
                if (sim != null && runtime.store().statusRecord(doc.canary().id()).isEmpty()) {
                    // first sight: Initialize creates the primary from the target, then a new revision arrives
                    progress.note("Simulated cluster: bootstrapping " + doc.canary().id() + ", then deploying " + SIMULATED_NEW_IMAGE);
                    Execution bootstrap = runtime.startRollout(doc, cluster.targetRevision());
                    watcher.follow(doc, bootstrap, LocalRuntime.patience(doc, speed));
                    sim.newRevision(doc.canary(), SIMULATED_NEW_IMAGE);
                }
                Execution rollout = runtime.startRollout(doc, cluster.targetRevision());
                RolloutWatcher.Outcome outcome = watcher.follow(doc, rollout, LocalRuntime.patience(doc, speed));
                Summary.print(out, List.of(outcome), Optional.empty());
                return outcome.succeeded() ? 0 : 1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("flagstep: interrupted");
            return 2;
        } catch (RuntimeException e) {
            return failed("flagstep: ", e);
        } finally {
            if (sim != null) {
                sim.close();
            }
        }
    }
}

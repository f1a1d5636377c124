package dev.flagstep.local.cli;

import dev.flagstep.local.serve.LambdaInvokeApi;
import dev.flagstep.local.serve.SimulatedTargets;
import dev.flagstep.local.serve.LoopbackHttpServer;
import dev.flagstep.local.serve.BrowserGuard;
import dev.flagstep.local.serve.ServedRuntime;

import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.Kubeconfig;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.local.sim.SimulatedCluster;
import java.io.IOException;
import dev.flagstep.sync.WatchNamespaces;
import java.io.PrintStream;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code flagstep serve}: the HTTP API and the phase handlers' Lambda Invoke API on 127.0.0.1, over
 * the local runtime, until Ctrl-C. Exit 2 for a wrong command line or a setup that fails (port in
 * use, unreadable kubeconfig); otherwise it only ends when stopped.
 */
public record ServeCommand(PrintStream out, PrintStream err) implements Command {

    public static final int DEFAULT_PORT = 8080;

    /** Where {@code --simulate} writes the kubeconfig for kubectl (default: a temporary file, deleted on exit). */
    static final String SIM_KUBECONFIG = "sim-kubeconfig";

    /** Serves until the JVM is asked to stop (Ctrl-C, SIGTERM); a shutdown hook closes everything first. */
    @Override
    public int run(List<String> argv) {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                // the JVM halts when hooks return: let serve() close DynamoDB Local and the cluster first
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flagstep-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return serve(argv, stop);
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and has just been released
            }
        }
    }

    /** Serves until {@code stop} opens (tests open it themselves; public for them). */
    public int serve(List<String> argv, CountDownLatch stop) {
        Set<String> valued = new java.util.HashSet<>(RuntimeOptions.VALUED);
        valued.add("port");
        valued.add("sync-interval");
        valued.add("watch-namespaces");
        valued.add(BrowserGuard.OPTION);
        valued.add(SIM_KUBECONFIG);
        Args args = Args.parse(argv, valued, RuntimeOptions.REPEATABLE, Set.of("simulate"));
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("serve takes no arguments, only options (got " + args.positional().get(0) + ")");
        }
        List<ServiceBacking> services = RuntimeOptions.services(args);
        boolean simulate = args.flag("simulate");
        if (simulate && (args.option("kubeconfig").isPresent() || args.option("context").isPresent())) {
            throw new Args.UsageException("--simulate runs its own cluster: leave out --kubeconfig and --context");
        }
        if (!simulate && args.option(SIM_KUBECONFIG).isPresent()) {
            throw new Args.UsageException("--" + SIM_KUBECONFIG + " needs --simulate (it is where kubectl finds the simulated cluster)");
        }
        int port = port(args);
        Set<String> browserOrigins;
        try {
            browserOrigins = BrowserGuard.parseOrigins(args.option(BrowserGuard.OPTION));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        LocalRuntime.Settings settings = RuntimeOptions.settings(args, Optional.empty());
        Optional<ServedRuntime.Sync> sync = sync(args);
        Optional<SimulatedCluster> sim = Optional.empty();
        Optional<Path> temporaryKubeconfig = Optional.empty();
        Optional<Path> kubectlConfig = Optional.empty();
        try {
            KubeClient kube;
            String cluster;
            if (simulate) {
                out.println("Starting a simulated cluster ...");
                sim = Optional.of(SimulatedCluster.start());
                RuntimeOptions.back(sim.get(), services);
                kube = sim.get().client();
                Path kubeconfig;
                if (args.option(SIM_KUBECONFIG).isPresent()) {
                    kubeconfig = Path.of(args.option(SIM_KUBECONFIG).get());
                } else {
                    kubeconfig = Files.createTempFile("flagstep-simulated-", ".kubeconfig");
                    temporaryKubeconfig = Optional.of(kubeconfig);
                }
                sim.get().writeKubeconfig(kubeconfig);
                kubectlConfig = Optional.of(kubeconfig);
                cluster = "a simulated cluster (kubectl: KUBECONFIG=" + kubeconfig + " kubectl get canaries -A -w)";
            } else {
                Path config = RuntimeOptions.kubeconfig(args);
                Kubeconfig.Context context = Kubeconfig.load(config, args.option("context"));
                kube = new KubeClient(context.endpoint());
                cluster = "context " + context.name() + " of " + config;
            }
            try (ServedRuntime serve = ServedRuntime.start(port, settings, kube, sim, browserOrigins, sync)) {
                banner(serve.url(), cluster, settings, simulate, browserOrigins, sync, kubectlConfig);
                out.flush();
                stop.await();
                out.println("flagstep serve: stopping");
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (RuntimeException e) {
            return failed("flagstep serve: ", e);
        } catch (IOException e) {
            return failed("flagstep serve: cannot write the simulated cluster's kubeconfig: ", e);
        } finally {
            sim.ifPresent(SimulatedCluster::close);
            temporaryKubeconfig.ifPresent(ServeCommand::deleteQuietly);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temp file left behind: the OS cleans its temp directory
        }
    }

    /** Default seconds between two cluster sync passes: the sync Lambda's schedule, rate(1 minute). */
    public static final int DEFAULT_SYNC_INTERVAL = 60;

    /**
     * The cluster sync: on by default (the cluster is the simulated one or the kubeconfig's), every
     * {@code --sync-interval} seconds of the runtime's clock, off with 0; over {@code --watch-namespaces} (all when
     * not given).
     */
    static Optional<ServedRuntime.Sync> sync(Args args) {
        String v = args.option("sync-interval").orElse(String.valueOf(DEFAULT_SYNC_INTERVAL));
        int seconds;
        try {
            seconds = Integer.parseInt(v);
            if (seconds < 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--sync-interval must be a whole number of seconds (0 turns the sync off), got \"" + v + "\"");
        }
        WatchNamespaces watch;
        try {
            watch = WatchNamespaces.parse(args.option("watch-namespaces").orElse(""));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--watch-namespaces: " + e.getMessage());
        }
        return seconds == 0 ? Optional.empty() : Optional.of(new ServedRuntime.Sync(watch, java.time.Duration.ofSeconds(seconds)));
    }

    private static int port(Args args) {
        String v = args.option("port").orElse(String.valueOf(DEFAULT_PORT));
        try {
            int port = Integer.parseInt(v);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--port must be 0-65535 (0 picks a free port), got \"" + v + "\"");
        }
    }

    /** The GitOps walk-through: objects applied with kubectl, picked up by the sync (README, docs/gitops.md). */
    private void gitOps(Optional<Path> kubectlConfig) {
        out.println("Try, GitOps (the sync stores the Canary and rolls out a new pod template by itself):");
        kubectlConfig.ifPresent(k -> out.println("  export KUBECONFIG=" + k));
        out.println("  kubectl create namespace test");
        out.println("  kubectl apply -f deployment.yaml -f canary.yaml   # a Deployment and a Canary targeting it");
        out.println("  kubectl get canaries -A -w                        # Initialized after the first pass's rollout");
        out.println("  kubectl -n test set image deployment/podinfo podinfo=" + SimulatedTargets.REPOSITORY + ":6.7.1");
        out.println("  kubectl -n test describe canary podinfo           # status and events");
    }

    private void banner(URI url, String cluster, LocalRuntime.Settings settings, boolean simulate, Set<String> browserOrigins,
            Optional<ServedRuntime.Sync> sync, Optional<Path> kubectlConfig) {
        String u = url.toString();
        out.println("flagstep serve: listening on " + u);
        out.println("  cluster: " + cluster + "; table: " + settings.dbPath().map(p -> "DynamoDB Local in " + p)
                .orElse("DynamoDB Local in memory") + (settings.speed() == 1 ? "" : "; waits divided by " + (int) settings.speed()));
        out.println("  HTTP API:      " + u + "/canaries  (docs/api.md; no auth on loopback, caller recorded as \""
                + LoopbackHttpServer.CALLER + "\")");
        out.println("  Lambda Invoke: " + u + LambdaInvokeApi.PREFIX + "{Initialize|Analysis|...}/invocations");
        out.println("  built-in gates: hooks with url " + u + "/gate/check are answered from flagstep's table");
        out.println("  gate links: " + u + "/links/{token}, signed with " + ServedRuntime.GATE_LINK_KEY
                + " or a key of this process (=off turns them off; docs/security.md)");
        out.println("  web pages: " + (browserOrigins.isEmpty() ? "refused (no browser tab can open a gate; --"
                + BrowserGuard.OPTION + " ORIGIN allows one)" : "allowed from " + String.join(", ", browserOrigins)));
        if (simulate) {
            out.println("  simulated cluster: a PUT canary's target is seeded with " + SimulatedTargets.REPOSITORY + ":"
                    + SimulatedTargets.FIRST_TAG + "; a rollout's revision is deployed to it first (a tag, or an image)");
        }
        out.println(sync.map(s -> "  cluster sync: Canary objects in " + s.watch() + ", a pass every "
                        + s.interval().toSeconds() + " s of the runtime's clock (docs/gitops.md)")
                .orElse("  cluster sync: off (--sync-interval 0)"));
        out.println();
        out.println("Try:");
        out.println("  curl -X PUT -H 'Content-Type: application/yaml' --data-binary @canary.yaml " + u + "/canaries/test/podinfo");
        out.println("  curl -H 'Content-Type: application/json' -d '{\"revision\":\"" + SimulatedTargets.FIRST_TAG + "\"}' "
                + u + "/canaries/test/podinfo/rollouts" + (simulate ? "   # first pass: creates the primary" : ""));
        out.println("  curl -H 'Content-Type: application/json' -d '{\"revision\":\"6.7.1\"}' " + u + "/canaries/test/podinfo/rollouts");
        out.println("  curl " + u + "/canaries/test/podinfo");
        // the flagstep command on this API (docs/cli.md); loopback http needs no --api on the default port
        out.println("  ./flagstep get -w test/podinfo" + (u.equals(dev.flagstep.local.cli.remote.ApiTarget.DEFAULT_API) ? "" : " --api " + u)
                + "   # or list, apply -f, rollout, gate open, promote, history (flagstep --help)");
        out.println("  curl -X POST " + u + "/canaries/test/podinfo/gates/confirm-promotion/open");
        out.println("  curl -H 'Content-Type: application/json' -d '{\"name\":\"podinfo\",\"namespace\":\"test\"}' " + u
                + "/gate/open");
        out.println("  aws lambda invoke --endpoint-url " + u + " --no-sign-request --region us-east-1 \\");
        out.println("      --function-name Initialize --payload fileb://events/phases/initialize.json out.json");
        if (sync.isPresent()) gitOps(kubectlConfig);
        out.println("Ctrl-C stops.");
        out.flush();
    }
}

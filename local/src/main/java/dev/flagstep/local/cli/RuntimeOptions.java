package dev.flagstep.local.cli;

import dev.flagstep.kubernetes.Kubeconfig;
import dev.flagstep.local.LocalRuntime;

import dev.flagstep.local.sim.SimulatedCluster;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The options {@code run} and {@code serve} share, and the runtime settings they make. */
public final class RuntimeOptions {

    /** Options taking a value: the cluster, the table, the clock, the defaults. */
    public static final Set<String> VALUED = Set.of("kubeconfig", "context", "speed", "db-path", "provider", "metrics-server");

    /** Options that may be given more than once: {@code --service}. */
    public static final Set<String> REPEATABLE = Set.of(ServiceBacking.OPTION);

    private RuntimeOptions() {}

    public static LocalRuntime.Settings settings(Args args, Optional<URI> apiUrl) {
        return new LocalRuntime.Settings(
                args.option("db-path").map(Path::of),
                args.intOption("speed", 1),
                args.option("provider").orElse("kubernetes"),
                URI.create(args.option("metrics-server").orElse("http://127.0.0.1:9090")),
                apiUrl);
    }

    /** The kubeconfig named by {@code --kubeconfig}, else {@code $KUBECONFIG}'s first file or {@code ~/.kube/config}. */
    public static Path kubeconfig(Args args) {
        return args.option("kubeconfig").map(Path::of).orElse(Kubeconfig.defaultPath(System.getenv()));
    }

    /** The {@code --service} backings; they need {@code --simulate} (a real cluster has its Services and pods). */
    public static List<ServiceBacking> services(Args args) {
        List<ServiceBacking> backings = ServiceBacking.parseAll(args.all(ServiceBacking.OPTION));
        if (!backings.isEmpty() && !args.flag("simulate")) {
            throw new Args.UsageException("--" + ServiceBacking.OPTION + " needs --simulate (on a real cluster the Service and its pods"
                    + " are already there)");
        }
        return backings;
    }

    /** Backs each Service in the simulated cluster with its local server. */
    public static void back(SimulatedCluster sim, List<ServiceBacking> backings) {
        for (ServiceBacking b : backings) sim.backService(b.namespace(), b.name(), b.port(), b.server());
    }
}

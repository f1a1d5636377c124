package dev.flagstep.local;

import dev.flagstep.local.cli.Args;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** The options {@code run} and {@code serve} share, and the runtime settings they make. */
public final class RuntimeOptions {

    /** Options taking a value: the cluster, the table, the clock, the defaults. */
    public static final Set<String> VALUED = Set.of("kubeconfig", "context", "speed", "db-path", "provider", "metrics-server");

    private RuntimeOptions() {}

    public static LocalRuntime.Settings settings(Args args, Optional<URI> apiUrl) {
        return new LocalRuntime.Settings(
                args.option("db-path").map(Path::of),
                args.intOption("speed", 1),
                args.option("provider").orElse("kubernetes"),
                URI.create(args.option("metrics-server").orElse("http://127.0.0.1:9090")),
                apiUrl);
    }
}

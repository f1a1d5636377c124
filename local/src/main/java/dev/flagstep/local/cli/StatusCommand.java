package dev.flagstep.local.cli;

import dev.flagstep.local.LocalDynamo;
import dev.flagstep.local.cli.remote.Invocation;

import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.CanarySummary;
import dev.flagstep.store.DynamoDbCanaryStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code flagstep status [NS/NAME] --db-path DIR}: canaries and their status, or one canary's recent events. */
record StatusCommand(PrintStream out, PrintStream err) implements Command {

    @Override
    public int run(List<String> argv) {
        Args args = Args.parse(argv, Set.of("db-path"), Set.of());
        Optional<Path> db = args.option("db-path").map(Path::of);
        if (db.isEmpty()) {
            throw new Args.UsageException("status reads the table a run kept with --db-path DIR; give the same --db-path");
        }
        Optional<CanaryId> one = args.positional().isEmpty() ? Optional.empty() : Optional.of(Invocation.parseCanary(args.positional().get(0)));
        if (Files.exists(db.get()) && !Files.isDirectory(db.get())) {
            throw new Args.UsageException("--db-path names the directory a run kept its table in; " + db.get() + " is a file");
        }
        try (LocalDynamo dynamo = LocalDynamo.start(db)) {
            CanaryStore store = new DynamoDbCanaryStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
            if (one.isEmpty()) {
                List<CanarySummary> all = store.list(Optional.empty(), 100, Optional.empty()).items();
                if (all.isEmpty()) {
                    out.println("no canaries in " + db.get());
                }
                out.printf(Locale.ROOT, "%-30s %-17s %6s %7s%n", "CANARY", "PHASE", "WEIGHT", "FAILED");
                for (CanarySummary c : all) {
                    out.printf(Locale.ROOT, "%-30s %-17s %6s %7s%n", c.canary(),
                            c.status().map(s -> s.value().phase().wireName()).orElse("-"),
                            c.status().map(s -> s.value().canaryWeight() + "%").orElse("-"),
                            c.status().map(s -> String.valueOf(s.value().failedChecks())).orElse("-"));
                }
                return 0;
            }
            CanaryId id = one.get();
            var status = store.status(id);
            if (store.spec(id).isEmpty()) {
                err.println("flagstep: no canary " + id + " in " + db.get());
                return 1;
            }
            out.println(id + ": " + status.map(s -> s.value().phase().wireName() + ", weight " + s.value().canaryWeight()
                    + "%, failed checks " + s.value().failedChecks()).orElse("no rollout yet"));
            for (CanaryEvent e : store.events(id, 20, Optional.empty()).items()) {
                out.println("  " + e.timestamp() + "  " + e.severity().wireName() + "  " + e.message());
            }
            return 0;
        } catch (RuntimeException e) {
            return failed("flagstep status: ", e); // the table could not be read (DynamoDB Local did not start)
        }
    }
}

package dev.flagstep.local.cli;

import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SpecError;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.spec.SpecWarning;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code flagstep validate FILE}: every problem at once, one per line with its path; exit 1 if any. Fields the
 * provider ignores are printed as warnings and do not change the exit code.
 */
record ValidateCommand(PrintStream out, PrintStream err) implements Command {

    @Override
    public int run(List<String> argv) {
        Args args = Args.parse(argv, Set.of(), Set.of());
        if (args.positional().size() != 1) {
            throw new Args.UsageException("validate takes one file");
        }
        Path file = Path.of(args.positional().get(0));
        Optional<CanaryDocument> doc = read(file, err);
        if (doc.isEmpty()) {
            return 1;
        }
        CanarySpec c = doc.get().canary();
        out.println(file + ": valid canary " + c.id() + " (target " + c.targetRef().kind() + "/" + c.targetRef().name()
                + ", provider " + c.provider().orElse("default") + ", "
                + c.analysis().map(a -> a.webhooks().size() + " webhooks, " + a.metrics().size() + " metrics")
                        .orElse("analysis skipped") + ")");
        return 0;
    }

    /** Reads and validates a canary file; prints each problem as {@code FILE: path: message}. */
    static Optional<CanaryDocument> read(Path file, PrintStream err) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            err.println(file + ": no such file");
            return Optional.empty();
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return Optional.empty();
        }
        return switch (new SpecParser().parse(text)) {
            case SpecResult.Valid v -> {
                // accepted as Flagger accepts them, but said: nothing is ignored silently
                for (SpecWarning w : v.warnings()) {
                    err.println(file + ": warning: " + w);
                }
                yield Optional.of(v.document());
            }
            case SpecResult.Invalid inv -> {
                for (SpecError e : inv.errors()) {
                    err.println(file + ": " + e);
                }
                yield Optional.empty();
            }
        };
    }
}

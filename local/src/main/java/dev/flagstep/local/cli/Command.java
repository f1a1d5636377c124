package dev.flagstep.local.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One {@code flagstep} command: it parses its own command line (throwing {@link Args.UsageException}, which
 * {@link Main} answers with the usage and exit 2), writes to {@code out} and {@code err}, and answers Main's exit code.
 */
sealed interface Command permits DemoCommand, RunCommand, ServeCommand, StatusCommand, ValidateCommand {

    PrintStream out();

    PrintStream err();

    int run(List<String> argv);

    /** A setup or run that could not go on (a port in use, an unreadable kubeconfig): its message on err, exit 2. */
    default int failed(String prefix, Exception e) {
        err().println(prefix + e.getMessage());
        return 2;
    }
}

package dev.flagstep.local.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import dev.flagstep.local.cli.remote.ApiVerb;
import dev.flagstep.local.cli.remote.RemoteEnvironment;
import dev.flagstep.local.cli.remote.StackOutputs;
import java.util.Optional;

/**
 * The {@code flagstep} command: the local runtime's front door, and a client of the HTTP API ({@code flagstep serve}'s
 * or a deployed stack's: {@link ApiCommand}). Exit codes ({@link #EXIT_CODES}): 0 success, 1 a failed rollout, an
 * invalid document or a refusal of the API, 2 a wrong command line or setup, 3 an API that cannot be reached or
 * refused the credentials.
 */
public final class Main {

    static final String USAGE = """
            usage: flagstep <command> [options]

              demo                         two canaries end to end on a simulated cluster (one promoted, one rolled back)
                  --speed N                divide every wait by N (default 10)
                  --service NAME.NS[:PORT]=URL  as for run: backs that Service with your server instead of the demo's
                                           receiver (flagger-loadtester.test, event-receiver.notifications,
                                           prometheus.istio-system:9090), or adds one
              validate CANARY.yaml         every problem of a canary document, one per line with its path
              run CANARY.yaml              one rollout of the canary through the real state machine
                  --simulate               on a simulated cluster seeded from the document (no cluster needed)
                  --kubeconfig FILE        the cluster to use (default: $KUBECONFIG or ~/.kube/config)
                  --context NAME           the kubeconfig context (default: current-context)
                  --speed N                divide every wait by N (the document's interval stays as written)
                  --db-path DIR            keep flagstep's table in DIR (default: in memory)
                  --provider NAME          router for canaries that name none (default: kubernetes)
                  --metrics-server URL     Prometheus for builtin metrics (default: http://127.0.0.1:9090)
                  --service NAME.NS[:PORT]=URL
                                           with --simulate: the cluster's Service NAME in namespace NS (port PORT,
                                           default 80, 443 for an https URL) is the local server at URL
                                           (http(s)://127.0.0.1:PORT or localhost), reached through the API server's
                                           service proxy; NAME.NS.svc[.cluster.local] too; repeatable
              status [NAMESPACE/NAME]      canaries and their status in the table kept by --db-path
                  --db-path DIR
              serve                        the HTTP API (docs/api.md) and the phases' Lambda Invoke API on 127.0.0.1, until Ctrl-C
                  --port N                 listen on port N (default 8080; 0 picks a free port)
                  --simulate               on a simulated cluster: a PUT canary's target is seeded, a rollout's revision deployed;
                                           kubectl works against it: the banner prints KUBECONFIG=FILE kubectl get canaries -A -w
                  --sim-kubeconfig FILE    with --simulate: write that kubeconfig to FILE (default: a temp file, deleted on exit)
                  --allow-browser-origin O pages of origin O (e.g. http://localhost:3000; comma-separated) may call it;
                                           by default no web page can (cross-origin and form/text bodies are refused)
                  --sync-interval S        Canary objects in the cluster become canaries and new revisions of their
                                           targets start rollouts: a pass every S seconds of the runtime's clock
                                           (default 60, scaled by --speed; 0 turns it off; docs/gitops.md)
                  --watch-namespaces NS    the namespaces the sync reads (comma list; default: all)
                  --kubeconfig FILE, --context NAME, --speed N, --db-path DIR, --provider NAME, --metrics-server URL,
                  --service NAME.NS[:PORT]=URL
                                           as for run
              doctor                       preflight: the API server answers, and for the cluster's Canary objects (and
                                           --file documents) the target, the webhook and metrics Services' ready endpoints, and
                                           every RBAC verb flagstep needs (SelfSubjectAccessReview), each with its fix;
                                           exit 1 when a check fails. Nothing is written, no webhook called
                  --file FILE              also check this canary document (repeatable)
                  --stack NAME             run the checks on AWS: the stack's DoctorFunction (a role in the phases'
                                           Kubernetes group) adds the EKS authentication mode and access entries and
                                           examines every canary of the stack's table; --profile P, --region R
                  --kubeconfig FILE, --context NAME, --watch-namespaces NS, --metrics-server URL
                                           as for serve and run (the metrics server of builtin metrics)
            """;

    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(List.of(argv), System.out, System.err));
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help") || argv.get(0).equals("-h")) {
            out.print(HELP);
            return argv.isEmpty() ? 2 : 0;
        }
        List<String> rest = argv.subList(1, argv.size());
        Optional<ApiVerb> api = ApiCommand.verb(argv.get(0));
        if (api.isEmpty() && localCommands().contains(argv.get(0)) && (rest.contains("--help") || rest.contains("-h"))) {
            out.print("usage: flagstep " + section(argv.get(0)).substring(2));
            return 0;
        }
        try {
            if (api.isPresent()) {
                return new ApiCommand(api.get(), out, err, RemoteEnvironment.system(Progress.isTerminal()),
                        StackOutputs.cloudFormation(Optional.empty())).run(rest);
            }
            Command command = switch (argv.get(0)) {
                case "validate" -> new ValidateCommand(out, err);
                case "run" -> new RunCommand(out, err);
                case "demo" -> new DemoCommand(out, err);
                case "status" -> new StatusCommand(out, err);
                case "serve" -> new ServeCommand(out, err);
                case "doctor" -> new DoctorCommand(out, err);
                default -> throw new Args.UsageException("unknown command \"" + argv.get(0) + "\"; expected one of "
                        + String.join(", ", Arrays.asList("demo", "validate", "run", "status", "serve", "doctor")));
            };
            return command.run(rest);
        } catch (Args.UsageException e) {
            err.println("flagstep: " + e.getMessage());
            if (api.isPresent()) {
                err.println("usage: flagstep " + synopsis(api.get()) + "   (flagstep " + argv.get(0) + " --help: every option)");
            } else {
                err.print(localCommands().contains(argv.get(0)) ? "usage: flagstep " + section(argv.get(0)).substring(2) : HELP);
            }
            return 2;
        }
    }

    // ---- the API commands (docs/cli.md) and per-command --help ----

    /** {@code flagstep --help}: the local commands ({@link #USAGE}), the API commands, the exit codes. */
    static final String HELP = USAGE
            + "\n  on an API (flagstep serve, or a deployed stack: --api URL / --stack NAME):\n"
            + ApiCommand.usage()
            + """

            exit codes:
              0  done: a rollout Succeeded, a document is valid, the API did what was asked
              1  a rollout Failed (run, get -w), an invalid document, or the API refused: unknown canary, invalid
                 document (each field printed), an operation the rollout's phase does not allow (409)
              2  a wrong command line, or a setup that cannot start (a port in use, an unreadable kubeconfig)
              3  the API cannot be reached, there are no AWS credentials, or it refused them (401/403)
            """;

    /** An API command's synopsis: the first line of its help, without the description at column 29. */
    static String synopsis(ApiVerb verb) {
        String first = verb.help().lines().findFirst().orElse("");
        return (first.length() > 29 ? first.substring(0, 29) : first).strip();
    }

    /** The local commands, as {@link #USAGE} lists them (a line indented by two spaces names one). */
    static List<String> localCommands() {
        return USAGE.lines().filter(Main::commandLine).map(l -> l.strip().split(" ")[0]).toList();
    }

    private static boolean commandLine(String line) {
        return line.startsWith("  ") && !line.startsWith("   ");
    }

    /** A local command's lines of {@link #USAGE}: its own line and the indented option lines under it. */
    static String section(String command) {
        StringBuilder s = new StringBuilder();
        boolean in = false;
        for (String line : USAGE.lines().toList()) {
            if (commandLine(line)) {
                in = line.strip().split(" ")[0].equals(command);
            }
            if (in) {
                s.append(line).append('\n');
            }
        }
        return s.toString();
    }
}

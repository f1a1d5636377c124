package dev.flagstep.local.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code flagstep} command: the local runtime's front door. Exit codes: 0 success (a rollout
 * Succeeded, a document is valid), 1 a failed rollout or an invalid document, 2 a wrong command line
 * or setup.
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
                  --kubeconfig FILE, --context NAME, --watch-namespaces NS, --metrics-server URL
                                           as for serve and run (the metrics server of builtin metrics)
            """;

    private Main() {}

    public static void main(String[] argv) {
        System.exit(run(List.of(argv), System.out, System.err));
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help") || argv.get(0).equals("-h")) {
            out.print(USAGE);
            return argv.isEmpty() ? 2 : 0;
        }
        List<String> rest = argv.subList(1, argv.size());
        try {
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
            err.print(USAGE);
            return 2;
        }
    }
}

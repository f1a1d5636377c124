package dev.flagstep.local.cli;

import dev.flagstep.local.cli.remote.ApiFailure;
import dev.flagstep.local.cli.remote.ApiTarget;
import dev.flagstep.local.cli.remote.ApiVerb;
import dev.flagstep.local.cli.remote.Invocation;
import dev.flagstep.local.cli.remote.RemoteEnvironment;
import dev.flagstep.local.cli.remote.StackOutputs;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The commands that talk to a flagstep HTTP API, {@code flagstep serve}'s or a deployed stack's (docs/cli.md):
 * the connection options every one takes, {@code -h}, and the failures printed as lines with exit codes 1 (the API
 * refused) and 3 (unreachable, or credentials refused) instead of stack traces.
 */
record ApiCommand(ApiVerb verb, PrintStream out, PrintStream err, RemoteEnvironment env, StackOutputs stacks) {

    static final Set<String> CONNECTION = Set.of("api", "stack", "profile", "region", "output");

    /** One-letter options: kubectl's and Argo Rollouts' habits. */
    static final Map<String, String> SHORT = Map.of("-h", "--help", "-o", "--output", "-w", "--watch", "-f", "--file",
            "-n", "--namespace");

    static final String CONNECTION_HELP = """
              connection (every command above):
                  --api URL                the API: flagstep serve's http://127.0.0.1:PORT, or a stack's ApiUrl
                                           (default: $FLAGSTEP_API, else http://127.0.0.1:8080, serve's default)
                  --stack NAME             the API of a deployed stack (its ApiUrl output, read with DescribeStacks)
                  --profile P, --region R  AWS credentials (the SDK's default chain) and region; requests to AWS are
                                           SigV4-signed for execute-api; plain http on 127.0.0.1/localhost is not signed
                  -o json                  print the API's JSON answer as is
                  -h, --help               this command's options
            """;

    static Optional<ApiVerb> verb(String name) {
        return ApiVerb.all().stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** The usage lines of every API command, for {@code flagstep --help}. */
    static String usage() {
        return ApiVerb.all().stream().map(v -> indent(v.help())).collect(Collectors.joining()) + CONNECTION_HELP;
    }

    private static String indent(String help) {
        return help.lines().map(l -> "  " + l + "\n").collect(Collectors.joining());
    }

    static List<String> expandShort(List<String> argv) {
        List<String> out = new ArrayList<>();
        for (String a : argv) {
            out.add(SHORT.getOrDefault(a, a));
        }
        return out;
    }

    /** Like {@link Command#run}: the exit code; a wrong command line is thrown as {@link Args.UsageException}. */
    public int run(List<String> argv) {
        List<String> expanded = expandShort(argv);
        if (expanded.contains("--help")) {
            out.print("usage: flagstep " + indent(verb.help()).substring(2) + CONNECTION_HELP);
            return 0;
        }
        Set<String> valued = new HashSet<>(CONNECTION);
        valued.addAll(verb.valued());
        Args args = Args.parse(expanded, valued, verb.flags());
        ApiTarget.Options options = new ApiTarget.Options(args.option("api"), args.option("stack"), args.option("profile"),
                args.option("region"));
        try {
            var api = ApiTarget.connect(options, env, stacks);
            Invocation in = new Invocation(args, api, out, err, env);
            in.json(); // a wrong -o is a usage error before any request
            return verb.run(in);
        } catch (ApiTarget.BadOptions e) {
            throw new Args.UsageException(e.getMessage());
        } catch (ApiFailure f) {
            List<String> lines = f.lines();
            err.println("flagstep " + verb.name() + ": " + lines.getFirst());
            lines.stream().skip(1).forEach(err::println);
            return f.exitCode();
        }
    }
}

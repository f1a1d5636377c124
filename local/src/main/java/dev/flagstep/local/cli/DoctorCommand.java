package dev.flagstep.local.cli;

import dev.flagstep.doctor.Doctor;
import dev.flagstep.doctor.Finding;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.Kubeconfig;
import dev.flagstep.local.cli.remote.ApiFailure;
import dev.flagstep.local.cli.remote.ApiTarget;
import dev.flagstep.local.cli.remote.DoctorInvocation;
import dev.flagstep.local.cli.remote.RemoteEnvironment;
import dev.flagstep.local.cli.remote.StackOutputs;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.sync.CanaryRenderer;
import dev.flagstep.sync.ClusterInventory;
import dev.flagstep.sync.ClusterLister;
import dev.flagstep.sync.Validation;
import dev.flagstep.sync.WatchNamespaces;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code flagstep doctor [--file FILE]... [--kubeconfig F] [--context C]}: the preflight checks of
 * {@link Doctor} for the cluster's Canary objects and the canary files given, each finding with its fix; exit 1
 * when any check fails. With {@code --stack NAME} the deployed stack's DoctorFunction runs them from AWS (exit 3
 * when it cannot be invoked). Nothing is written to the cluster and no webhook is called.
 */
record DoctorCommand(PrintStream out, PrintStream err, RemoteEnvironment env, StackOutputs stacks) implements Command {

    DoctorCommand(PrintStream out, PrintStream err) {
        this(out, err, RemoteEnvironment.system(false), StackOutputs.cloudFormation(Optional.empty()));
    }

    @Override
    public int run(List<String> argv) {
        Args args = Args.parse(argv, Set.of("kubeconfig", "context", "metrics-server", "watch-namespaces", "stack", "profile",
                "region"), Set.of("file"), Set.of());
        if (!args.positional().isEmpty()) {
            throw new Args.UsageException("doctor takes no arguments; name canary files with --file FILE");
        }
        if (args.option("stack").isPresent()) {
            return deployed(args);
        }
        List<Doctor.Subject> subjects = new ArrayList<>();
        for (String file : args.all("file")) {
            Optional<CanaryDocument> doc = ValidateCommand.read(Path.of(file), err);
            if (doc.isEmpty()) return 1;
            subjects.add(new Doctor.Subject(doc.get(), false));
        }
        KubeClient kube;
        try {
            kube = new KubeClient(Kubeconfig.load(RuntimeOptions.kubeconfig(args), args.option("context")).endpoint());
        } catch (RuntimeException e) {
            return failed("flagstep doctor: ", e);
        }
        WatchNamespaces watch = args.option("watch-namespaces").map(WatchNamespaces::parse).orElse(WatchNamespaces.all());
        Optional<URI> metricsServer = args.option("metrics-server").map(URI::create);
        List<Finding> findings = new ArrayList<>();
        subjects.addAll(clusterCanaries(kube, watch, findings));
        findings.addAll(0, new Doctor(kube, metricsServer, Clock.systemUTC()).examine(subjects));
        return report(findings);
    }

    /** {@code --stack}: the deployed stack's DoctorFunction runs the checks from AWS, for every canary of its table. */
    private int deployed(Args args) {
        for (String local : List.of("kubeconfig", "context", "metrics-server", "watch-namespaces")) {
            if (args.option(local).isPresent()) throw new Args.UsageException("--" + local + " is for the local doctor, not --stack");
        }
        if (!args.all("file").isEmpty()) {
            throw new Args.UsageException("--file is for the local doctor; --stack examines the canaries of the stack's table");
        }
        try {
            return report(DoctorInvocation.run(new ApiTarget.Options(Optional.empty(), args.option("stack"), args.option("profile"),
                    args.option("region")), env, stacks));
        } catch (ApiTarget.BadOptions e) {
            throw new Args.UsageException(e.getMessage());
        } catch (ApiFailure f) {
            err.println("flagstep doctor: " + f.lines().getFirst());
            return 3;
        }
    }

    private int report(List<Finding> findings) {
        print(out, findings);
        long failed = findings.stream().filter(f -> f.verdict() == Finding.Verdict.FAIL).count();
        out.println(failed == 0 ? "no problems found" : failed + (failed == 1 ? " problem" : " problems") + " found");
        return failed == 0 ? 0 : 1;
    }

    /** The cluster's Canary objects, rendered and read as the sync reads them; one that does not read is a finding. */
    static List<Doctor.Subject> clusterCanaries(KubeClient kube, WatchNamespaces watch, List<Finding> findings) {
        List<Doctor.Subject> out = new ArrayList<>();
        ClusterInventory inventory;
        try {
            inventory = new ClusterLister(kube).list(watch);
        } catch (RuntimeException e) {
            findings.add(Finding.fail("canaries", "the Canary objects could not be listed: " + e.getMessage(),
                    "grant list on canaries, metrictemplates and alertproviders of flagger.app (docs/gitops.md)"));
            return out;
        }
        inventory.failures().forEach(f -> findings.add(Finding.fail("canaries", f,
                "grant list on canaries, metrictemplates and alertproviders of flagger.app there (docs/gitops.md)")));
        SpecParser parser = new SpecParser();
        for (var canary : inventory.canaries()) {
            var id = ClusterInventory.idOf(canary);
            var rendering = CanaryRenderer.render(canary, inventory.templatesById(), inventory.providersById());
            switch (Validation.of(parser, id, rendering)) {
                case Validation.Valid v -> out.add(new Doctor.Subject(v.document(), true));
                case Validation.Invalid i -> findings.add(Finding.fail(id.toString(), "the Canary object is invalid: " + i.message(),
                        "fix the object; flagstep validate FILE shows every problem with its field"));
            }
        }
        return out;
    }

    /** One line per finding, its fix indented below it. */
    static void print(PrintStream out, List<Finding> findings) {
        for (Finding f : findings) {
            out.printf(Locale.ROOT, "%-4s  %-24s %s%n", f.verdict(), f.subject(), f.message());
            f.fix().ifPresent(fix -> fix.lines().forEach(l -> out.println("      " + (l.equals(fix.lines().findFirst().orElse(""))
                    ? "fix: " : "     ") + l)));
        }
    }
}

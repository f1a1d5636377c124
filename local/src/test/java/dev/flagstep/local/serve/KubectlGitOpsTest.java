package dev.flagstep.local.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.local.LocalRuntime;
import dev.flagstep.local.sim.Kubectl;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.sync.WatchNamespaces;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local GitOps walk-through of README and docs/gitops.md with the real kubectl against {@code flagstep serve
 * --simulate}: create a namespace, apply Deployments and Canaries, the sync's first rollouts initialise them,
 * {@code set image} starts rollouts without any call to flagstep's API, they end Succeeded, {@code describe} lists
 * the events. {@code podinfo} is the walk-through's canary (no provider: the default, {@code kubernetes}, runs
 * blue/green iterations at weight 0, as Flagger); {@code web} names the Gateway API provider, so its weight steps.
 * Skipped where kubectl is not on the PATH. Waits are bounded by kubectl's {@code --timeout} or a bounded read of its
 * output; nothing is timed.
 */
class KubectlGitOpsTest {

    /** The runtime's clock {@value}× faster: a sync pass and an analysis tick every 0.5 s. */
    private static final int SPEED = 20;
    private static final String NS = "gitops";

    @TempDir
    Path dir;

    @Test
    void canariesAppliedWithKubectlAreInitialisedAndANewImageIsPromotedByTheSync() throws Exception {
        Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on the PATH: skipping the kubectl GitOps test");
        try (SimulatedCluster sim = SimulatedCluster.start();
             ServedRuntime serve = ServedRuntime.start(0, new LocalRuntime.Settings(Optional.empty(), SPEED, "kubernetes",
                     URI.create("http://127.0.0.1:9"), Optional.empty()), sim.client(), Optional.of(sim), Set.of(),
                     Optional.of(new ServedRuntime.Sync(WatchNamespaces.parse(""), Duration.ofSeconds(10))))) {
            Kubectl kubectl = new Kubectl(sim.writeKubeconfig(dir.resolve("kubeconfig")));

            // a typed command: kubectl sends the Namespace as protobuf
            assertThat(kubectl.run("create", "namespace", NS).output()).contains("namespace/" + NS + " created");
            assertThat(kubectl.run("get", "ns", NS).output()).containsPattern(NS + "\\s+");
            assertThat(kubectl.run("apply", "-f", file("deployment.yaml", deployment("podinfo")),
                    "-f", file("web.yaml", deployment("web"))).output())
                    .contains("deployment.apps/podinfo created", "deployment.apps/web created");
            assertThat(kubectl.run("apply", "-f", file("canary.yaml", """
                    apiVersion: flagger.app/v1beta1
                    kind: Canary
                    metadata: {name: podinfo, namespace: gitops}
                    spec:
                      targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
                      service: {port: 9898}
                      analysis: {interval: 10s, threshold: 5, maxWeight: 50, stepWeight: 10}
                    """), "-f", file("web-canary.yaml", """
                    apiVersion: flagger.app/v1beta1
                    kind: Canary
                    metadata: {name: web, namespace: gitops}
                    spec:
                      provider: gatewayapi:v1
                      targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
                      service: {port: 9898, gatewayRefs: [{name: public, namespace: gitops}]}
                      analysis: {interval: 10s, threshold: 5, maxWeight: 30, stepWeight: 10}
                    """)).output()).contains("canary.flagger.app/podinfo created", "canary.flagger.app/web created");

            Process watch = kubectl.start("get", "canaries", "-n", NS, "-w");
            List<String> initialised;
            List<String> rollouts;
            try {
                BlockingQueue<String> watched = Kubectl.lines(watch);
                // the sync stored the objects and started their first rollouts, which create the primaries
                initialised = Kubectl.until(watched, read -> seen(read, "podinfo", "Initialized") && seen(read, "web", "Initialized"));
                assertThat(kubectl.run("get", "deploy", "podinfo-primary", "-n", NS, "-o",
                        "jsonpath={.spec.template.spec.containers[0].image}").output())
                        .isEqualTo("ghcr.io/stefanprodan/podinfo:6.7.0");
                String promoted = kubectl.run("get", "canary", "podinfo", "-n", NS, "-o",
                        "jsonpath={.status.lastPromotedSpec}").output();
                assertThat(promoted).isNotEmpty();

                // no call to flagstep's API from here on: the sync detects the new pod templates and starts the rollouts
                for (String name : List.of("podinfo", "web")) {
                    assertThat(kubectl.run("-n", NS, "set", "image", "deployment/" + name,
                            name + "=ghcr.io/stefanprodan/podinfo:6.7.1").output())
                            .contains("deployment.apps/" + name + " image updated");
                }
                assertThat(kubectl.run("-n", NS, "wait", "canary/podinfo", "canary/web",
                        "--for=jsonpath={.status.phase}=Succeeded", "--timeout=60s").output())
                        .contains("canary.flagger.app/podinfo condition met", "canary.flagger.app/web condition met");
                rollouts = Kubectl.until(watched, read -> seen(read, "podinfo", "Succeeded") && seen(read, "web", "Succeeded"));
                assertThat(kubectl.run("get", "canary", "podinfo", "-n", NS, "-o",
                        "jsonpath={.status.lastPromotedSpec}").output()).isNotEmpty().isNotEqualTo(promoted);
            } finally {
                watch.destroy();
                assertThat(watch.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(initialised).anyMatch(l -> l.matches("podinfo\\s+Initialized\\s+0\\s.*"));
            assertThat(rollouts).anyMatch(l -> l.matches("podinfo\\s+Progressing\\s+0\\s.*"))
                    .anyMatch(l -> l.matches("podinfo\\s+Succeeded\\s+0\\s.*"));
            // web's traffic steps up, then back to the primary
            assertThat(weights(rollouts, "web", "Progressing")).containsSubsequence(10, 20, 30);
            assertThat(rollouts).anyMatch(l -> l.matches("web\\s+Succeeded\\s+0\\s.*"));
            assertThat(kubectl.run("get", "deploy", "podinfo-primary", "web-primary", "-n", NS, "-o",
                    "jsonpath={.items[*].spec.template.spec.containers[0].image}").output())
                    .isEqualTo("ghcr.io/stefanprodan/podinfo:6.7.1 ghcr.io/stefanprodan/podinfo:6.7.1");
            assertThat(kubectl.run("describe", "canary", "podinfo", "-n", NS).output())
                    .containsPattern("Phase:\\s+Succeeded")
                    .containsPattern("Normal\\s+Synced\\s+.*flagstep\\s+Initialization done! podinfo.gitops")
                    .containsPattern("Normal\\s+Synced\\s+.*flagstep\\s+New revision detected! Scaling up podinfo.gitops")
                    .containsPattern("Normal\\s+Synced\\s+.*flagstep\\s+Advance podinfo.gitops canary iteration 1/10")
                    .containsPattern("Normal\\s+Synced\\s+.*flagstep\\s+Promotion completed! Scaling down podinfo.gitops");
            assertThat(kubectl.run("describe", "canary", "web", "-n", NS).output())
                    .containsPattern("Normal\\s+Synced\\s+.*flagstep\\s+Advance web.gitops canary weight 10");
        }
    }

    private static boolean seen(List<String> lines, String canary, String phase) {
        return lines.stream().anyMatch(l -> l.matches(canary + "\\s+" + phase + "\\s.*"));
    }

    private static List<Integer> weights(List<String> lines, String canary, String phase) {
        Pattern p = Pattern.compile(canary + "\\s+" + phase + "\\s+(\\d+)\\s.*");
        return lines.stream().map(p::matcher).filter(java.util.regex.Matcher::matches)
                .map(m -> Integer.parseInt(m.group(1))).toList();
    }

    private static String deployment(String name) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s, namespace: gitops, labels: {app: %1$s}}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}}
                    spec:
                      containers:
                      - name: %1$s
                        image: ghcr.io/stefanprodan/podinfo:6.7.0
                        ports: [{name: http, containerPort: 9898, protocol: TCP}]
                """.formatted(name);
    }

    private String file(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml).toString();
    }
}

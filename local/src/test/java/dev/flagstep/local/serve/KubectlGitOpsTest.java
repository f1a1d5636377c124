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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local GitOps walk-through of README and docs/gitops.md with the real kubectl against {@code flagstep serve
 * --simulate}: create a namespace, apply a Deployment and a Canary, the sync's first rollout initialises it, {@code set
 * image} starts a rollout with no API call that ends Succeeded, {@code describe} lists its events. Skipped where
 * kubectl is not on the PATH. Waits are bounded by kubectl's {@code --timeout} or a bounded read of its output.
 */
class KubectlGitOpsTest {

    /** The runtime's clock {@value}× faster: a sync pass every 0.5 s, an analysis tick every 0.5 s. */
    private static final int SPEED = 20;
    private static final String NS = "gitops";

    @TempDir
    Path dir;

    @Test
    void aCanaryAppliedWithKubectlIsInitialisedAndANewImageIsPromotedByTheSync() throws Exception {
        Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on the PATH: skipping the kubectl GitOps test");
        try (SimulatedCluster sim = SimulatedCluster.start();
             ServedRuntime serve = ServedRuntime.start(0, new LocalRuntime.Settings(Optional.empty(), SPEED, "kubernetes",
                     URI.create("http://127.0.0.1:9"), Optional.empty()), sim.client(), Optional.of(sim), Set.of(),
                     Optional.of(new ServedRuntime.Sync(WatchNamespaces.parse(""), Duration.ofSeconds(10))))) {
            Kubectl kubectl = new Kubectl(sim.writeKubeconfig(dir.resolve("kubeconfig")));

            // a typed command: kubectl sends the Namespace as protobuf
            assertThat(kubectl.run("create", "namespace", NS).output()).contains("namespace/" + NS + " created");
            assertThat(kubectl.run("get", "ns", NS).output()).containsPattern(NS + "\\s+");
            assertThat(kubectl.run("apply", "-f", file("deployment.yaml", """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: podinfo, namespace: gitops, labels: {app: podinfo}}
                    spec:
                      replicas: 2
                      selector: {matchLabels: {app: podinfo}}
                      template:
                        metadata: {labels: {app: podinfo}}
                        spec:
                          containers:
                          - name: podinfo
                            image: ghcr.io/stefanprodan/podinfo:6.7.0
                            ports: [{name: http, containerPort: 9898, protocol: TCP}]
                    """)).output()).contains("deployment.apps/podinfo created");
            assertThat(kubectl.run("apply", "-f", file("canary.yaml", """
                    apiVersion: flagger.app/v1beta1
                    kind: Canary
                    metadata: {name: podinfo, namespace: gitops}
                    spec:
                      targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
                      service: {port: 9898}
                      analysis: {interval: 10s, threshold: 5, maxWeight: 50, stepWeight: 10}
                    """)).output()).contains("canary.flagger.app/podinfo created");

            Process watch = kubectl.start("get", "canaries", "-n", NS, "-w");
            String initialised;
            try {
                BlockingQueue<String> watched = Kubectl.lines(watch);
                // the sync stored the object and started its first rollout, which creates the primary
                assertThat(Kubectl.next(watched, "Initialized")).containsPattern("podinfo\\s+Initialized\\s+0");
                assertThat(kubectl.run("get", "deploy", "podinfo-primary", "-n", NS, "-o",
                        "jsonpath={.spec.template.spec.containers[0].image}").output())
                        .isEqualTo("ghcr.io/stefanprodan/podinfo:6.7.0");
                initialised = kubectl.run("get", "canary", "podinfo", "-n", NS, "-o",
                        "jsonpath={.status.lastPromotedSpec}").output();
                assertThat(initialised).isNotEmpty();

                assertThat(kubectl.run("-n", NS, "set", "image", "deployment/podinfo",
                        "podinfo=ghcr.io/stefanprodan/podinfo:6.7.1").output()).contains("deployment.apps/podinfo image updated");
                // no call to flagstep's API: the sync detects the new pod template and starts the rollout
                List<String> phases = new ArrayList<>();
                phases.add(Kubectl.next(watched, "Progressing"));
                kubectl.run("-n", NS, "wait", "canary/podinfo", "--for=jsonpath={.status.phase}=Succeeded", "--timeout=60s");
                phases.add(Kubectl.next(watched, "Succeeded"));
                assertThat(phases.get(0)).containsPattern("podinfo\\s+Progressing\\s+0\\s");
                assertThat(phases.get(1)).containsPattern("podinfo\\s+Succeeded\\s+0\\s");
            } finally {
                watch.destroy();
                assertThat(watch.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(kubectl.run("get", "canary", "podinfo", "-n", NS, "-o",
                    "jsonpath={.status.lastPromotedSpec}").output()).isNotEqualTo(initialised).isNotEmpty();
            assertThat(kubectl.run("get", "deploy", "podinfo-primary", "-n", NS, "-o",
                    "jsonpath={.spec.template.spec.containers[0].image}").output())
                    .isEqualTo("ghcr.io/stefanprodan/podinfo:6.7.1");
            assertThat(kubectl.run("describe", "canary", "podinfo", "-n", NS).output())
                    .containsPattern("Phase:\\s+Succeeded")
                    .containsPattern("Normal\\s+Synced\\s+.*flagstep\\s+Initialization done! podinfo.gitops")
                    .containsPattern("Normal\\s+Synced\\s+.*flagstep\\s+New revision detected! Scaling up podinfo.gitops")
                    .containsPattern("Normal\\s+Synced\\s+.*flagstep\\s+Advance podinfo.gitops canary iteration 1/10")
                    .containsPattern("Normal\\s+Synced\\s+.*flagstep\\s+Promotion completed! Scaling down podinfo.gitops");
        }
    }

    private String file(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml).toString();
    }
}

package dev.flagstep.local.sim;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real kubectl against the simulated cluster, through the kubeconfig {@link SimulatedCluster#writeKubeconfig}
 * writes: apply the CRDs and a Canary, get with the printer columns, get -w, describe with an event, jsonpath,
 * wait --for=condition=Promoted. Skipped where kubectl is not on the PATH. Every wait is bounded by kubectl's own
 * {@code --timeout} or a bounded read of its output, never by a sleep.
 */
class KubectlTest {

    private static final String NS = "kubectl";
    private static SimulatedCluster cluster;
    private static Path kubeconfig;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Kubectl.onPath(), "kubectl is not on the PATH: skipping the kubectl tests");
        cluster = SimulatedCluster.start();
        cluster.createNamespace(NS);
        kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void kubectlAppliesGetsWatchesDescribesAndWaitsForACanary() throws Exception {
        assertThat(kubectl("apply", "-f", Path.of("..", "deploy", "crds.yaml").toString()).output())
                .contains("customresourcedefinition.apiextensions.k8s.io/canaries.flagger.app");
        Path canary = Files.writeString(dir.resolve("canary.yaml"), """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: podinfo
                  namespace: kubectl
                spec:
                  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
                  service: {port: 9898}
                  analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
                """);
        assertThat(kubectl("apply", "-f", canary.toString()).output()).contains("canary.flagger.app/podinfo created");

        Process watch = start("get", "canaries", "-n", NS, "-w");
        BlockingQueue<String> watched = Kubectl.lines(watch);
        Process wait = start("wait", "--for=condition=Promoted", "canary/podinfo", "-n", NS, "--timeout=60s");
        try {
            assertThat(Kubectl.next(watched, "podinfo")).contains("podinfo");
            status("{\"status\":{\"phase\":\"Progressing\",\"canaryWeight\":10,\"failedChecks\":1,\"iterations\":0,"
                    + "\"lastTransitionTime\":\"2026-01-02T03:04:05Z\",\"conditions\":[{\"type\":\"Promoted\",\"status\":\"Unknown\","
                    + "\"reason\":\"Progressing\",\"message\":\"New revision detected, progressing canary analysis.\"}]}}");
            assertThat(Kubectl.next(watched, "Progressing")).containsPattern("podinfo\\s+Progressing\\s+10\\s+2026-01-02T03:04:05Z");

            String table = kubectl("get", "canaries", "-n", NS).output();
            assertThat(table).containsPattern("NAME\\s+STATUS\\s+WEIGHT\\s+LASTTRANSITIONTIME")
                    .containsPattern("podinfo\\s+Progressing\\s+10\\s+2026-01-02T03:04:05Z");
            assertThat(kubectl("get", "canaries", "-A", "-o", "wide").output())
                    .containsPattern("NAMESPACE\\s+NAME\\s+STATUS\\s+WEIGHT\\s+SUSPENDED\\s+FAILEDCHECKS\\s+INTERVAL\\s+MIRROR"
                            + "\\s+STEPWEIGHT\\s+STEPWEIGHTS\\s+MAXWEIGHT\\s+LASTTRANSITIONTIME")
                    .containsPattern("kubectl\\s+podinfo\\s+Progressing\\s+10\\s+1\\s+1m\\s+10\\s+50\\s+2026-01-02T03:04:05Z");
            assertThat(kubectl("get", "canary", "podinfo", "-n", NS, "-o", "jsonpath={.status.phase}/{.status.canaryWeight}").output())
                    .isEqualTo("Progressing/10");

            String uid = kubectl("get", "canary", "podinfo", "-n", NS, "-o", "jsonpath={.metadata.uid}").output();
            post("/api/v1/namespaces/" + NS + "/events", """
                    {"apiVersion":"v1","kind":"Event","metadata":{"name":"podinfo.17f1","namespace":"kubectl"},
                     "involvedObject":{"apiVersion":"flagger.app/v1beta1","kind":"Canary","name":"podinfo","namespace":"kubectl","uid":"%s"},
                     "reason":"Synced","message":"New revision detected! Scaling up podinfo.kubectl","type":"Normal",
                     "source":{"component":"flagstep"},"reportingComponent":"flagstep",
                     "firstTimestamp":"2026-01-02T03:04:05Z","lastTimestamp":"2026-01-02T03:04:05Z","count":1}""".formatted(uid));
            assertThat(kubectl("describe", "canary", "podinfo", "-n", NS).output())
                    .contains("Phase:", "Progressing")
                    .containsPattern("Normal\\s+Synced\\s+\\S+\\s+flagstep\\s+New revision detected! Scaling up podinfo.kubectl");

            status("{\"status\":{\"phase\":\"Succeeded\",\"canaryWeight\":0,\"conditions\":[{\"type\":\"Promoted\",\"status\":\"True\","
                    + "\"reason\":\"Succeeded\",\"message\":\"Canary analysis completed successfully, promotion finished.\"}]}}");
            assertThat(wait.waitFor(90, TimeUnit.SECONDS)).as("kubectl wait ends within its own --timeout").isTrue();
            assertThat(new String(wait.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("canary.flagger.app/podinfo condition met");
            assertThat(wait.exitValue()).isZero();
            assertThat(Kubectl.next(watched, "Succeeded")).containsPattern("podinfo\\s+Succeeded\\s+0");
        } finally {
            watch.destroy();
            wait.destroy();
        }
    }

    @Test
    void kubectlAppliesADeploymentAndSetsItsImage() throws Exception {
        Path deployment = Files.writeString(dir.resolve("deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: kubectl}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - {name: web, image: "ghcr.io/stefanprodan/podinfo:6.0.0", ports: [{containerPort: 9898}]}
                """);
        assertThat(kubectl("apply", "-f", deployment.toString()).output()).contains("deployment.apps/web created");
        assertThat(kubectl("set", "image", "deployment/web", "web=ghcr.io/stefanprodan/podinfo:6.0.1", "-n", NS).output())
                .contains("deployment.apps/web image updated");
        assertThat(kubectl("get", "deployment", "web", "-n", NS, "-o",
                "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}"
                        + " {.metadata.generation}").output())
                .isEqualTo("ghcr.io/stefanprodan/podinfo:6.0.1 9898 2");
        assertThat(kubectl("apply", "-f", deployment.toString()).output()).contains("deployment.apps/web configured");
        assertThat(kubectl("get", "deployment", "web", "-n", NS, "-o", "jsonpath={.spec.template.spec.containers[0].image}").output())
                .isEqualTo("ghcr.io/stefanprodan/podinfo:6.0.0");
        assertThat(kubectl("get", "deployments", "-n", NS).output()).containsPattern("NAME\\s+AGE").contains("web");
    }

    private static void status(String patch) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/apis/flagger.app/v1beta1/namespaces/" + NS
                        + "/canaries/podinfo/status")).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(patch)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static void post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static URI uri(String path) {
        return URI.create(cluster.endpoint().server() + path);
    }

    private static Kubectl.Result kubectl(String... args) throws Exception {
        return new Kubectl(kubeconfig).run(args);
    }

    private static Process start(String... args) throws IOException {
        return new Kubectl(kubeconfig).start(args);
    }
}

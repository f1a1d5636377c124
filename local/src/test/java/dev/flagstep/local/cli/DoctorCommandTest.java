package dev.flagstep.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flagstep doctor} against the simulated cluster over real HTTP, with the misconfigurations a new user
 * makes seeded one at a time: each is a FAIL line naming it, with the fix, and exit 1; a sound setup passes.
 */
class DoctorCommandTest {

    static final String CANARY = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: podinfo, namespace: test}
            spec:
              provider: gatewayapi:v1
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
              service:
                port: 9898
                gatewayRefs: [{name: public, namespace: gateway}]
              analysis:
                interval: 30s
                stepWeight: 10
                webhooks:
                  - name: load-test
                    url: http://flagger-loadtester.test/
              """;

    @TempDir
    Path dir;
    SimulatedCluster sim;
    Path kubeconfig;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        sim = SimulatedCluster.start();
        kubeconfig = sim.writeKubeconfig(dir.resolve("kubeconfig"));
        var spec = ((SpecResult.Valid) new SpecParser().parse(CANARY)).document().canary();
        sim.seed(spec, "ghcr.io/stefanprodan/podinfo:6.5.0");
        // nothing listens there: the doctor never calls a receiver
        sim.backService("test", "flagger-loadtester", 80, URI.create("http://127.0.0.1:9"));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private int doctor(String canaryYaml) throws IOException {
        Path file = Files.writeString(dir.resolve("canary.yaml"), canaryYaml);
        return Main.run(List.of("doctor", "--kubeconfig", kubeconfig.toString(), "--file", file.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSoundSetupPassesEveryCheck() throws IOException {
        assertThat(doctor(CANARY)).as(output()).isZero();
        assertThat(output()).contains("PASS  api server ", "PASS  test/podinfo             target Deployment podinfo exists",
                "webhook \"load-test\": service flagger-loadtester.test has ready endpoints", "RBAC: all ",
                "no problems found").doesNotContain("FAIL");
    }

    @Test
    void aMissingRbacVerbIsNamedWithTheRuleToAdd() throws IOException {
        sim.forbid("apps", "deployments", "patch", "test", true);
        sim.forbid("", "services/proxy", "create", "test", true);

        assertThat(doctor(CANARY)).isEqualTo(1);
        assertThat(output()).contains("""
                FAIL  test/podinfo             RBAC: cannot patch deployments.apps in namespace test (the target and its primary)
                      fix: add this rule to the Role bound to flagstep's group in namespace test (docs/routers.md):
                           - apiGroups: ["apps"]
                             resources: ["deployments"]
                             verbs: ["patch"]
                """, """
                FAIL  test/podinfo             RBAC: cannot create services/proxy in namespace test (webhook receiver flagger-loadtester.test)
                """, "2 problems found");
    }

    @Test
    void aWebhookServiceThatDoesNotExistIsNamed() throws IOException {
        assertThat(doctor(CANARY.replace("http://flagger-loadtester.test/", "http://loadtester.test/"))).isEqualTo(1);
        assertThat(output()).contains("FAIL  test/podinfo             webhook \"load-test\": service loadtester.test not found",
                "fix: deploy the receiver, or correct the URL; check with: kubectl -n test get service loadtester");
    }

    @Test
    void aReceiverWithoutReadyEndpointsIsNamed() throws IOException {
        sim.holdNoEndpoints("test", "flagger-loadtester", true);

        assertThat(doctor(CANARY)).isEqualTo(1);
        assertThat(output()).contains("FAIL  test/podinfo             webhook \"load-test\": service flagger-loadtester.test has no"
                + " ready endpoints (its pods are missing or not ready)");
    }

    @Test
    void aPrimaryServiceWithoutReadyEndpointsIsNamed() throws Exception {
        assertThat(doctor(CANARY)).isZero();
        assertThat(output()).contains("PASS  test/podinfo             primary: service podinfo-primary.test is created by the first rollout");

        // a primary Service whose selector picks no ready pod (its Deployment deleted by hand, say)
        ObjectNode svc = (ObjectNode) new ObjectMapper().readTree("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"podinfo-primary","namespace":"test"},
                 "spec":{"selector":{"app":"podinfo-primary"},"ports":[{"port":9898}]}}""");
        sim.client().create(ResourceKind.SERVICE, svc);
        sim.awaitReconciled(java.time.Duration.ofSeconds(30));
        out.reset();
        assertThat(doctor(CANARY)).isEqualTo(1);
        assertThat(output()).contains("FAIL  test/podinfo             primary: service podinfo-primary.test has no ready endpoints");
    }

    @Test
    void aMissingTargetIsNamed() throws IOException {
        assertThat(doctor(CANARY.replace("name: podinfo}", "name: podinfo-v2}"))).isEqualTo(1);
        assertThat(output()).contains("FAIL  test/podinfo             target Deployment podinfo-v2 not found in namespace test");
    }

    /** A Canary object in the cluster is examined too, with the rights the sync needs on it. */
    @Test
    void theClustersCanaryObjectsAreExaminedWithTheirStatusRights() throws Exception {
        ObjectNode object = (ObjectNode) new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(
                new YAMLMapper().readTree(CANARY.replace("name: podinfo, namespace: test", "name: web, namespace: test"))));
        sim.client().create(ResourceKind.CANARY, object);
        sim.forbid("flagger.app", "canaries/status", "patch", "test", true);

        assertThat(Main.run(List.of("doctor", "--kubeconfig", kubeconfig.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(output()).contains("FAIL  test/web                 RBAC: cannot patch canaries/status.flagger.app in namespace"
                + " test (Flagger's status on the Canary object)");
    }
}

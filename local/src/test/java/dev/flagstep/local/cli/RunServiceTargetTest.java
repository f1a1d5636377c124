package dev.flagstep.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flagstep run --simulate} with a Kubernetes Service target: the simulated new version is a Deployment the
 * target Service is pointed at (a change of the Service's spec), which the canary analyses and promotes.
 */
class RunServiceTargetTest {

    @TempDir
    Path dir;

    @Test
    void aServiceTargetCanaryRunsOnTheSimulatedCluster() throws IOException {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata:
                  name: web
                  namespace: test
                spec:
                  provider: gatewayapi:v1
                  targetRef:
                    apiVersion: v1
                    kind: Service
                    name: web
                  service:
                    port: 9898
                    gatewayRefs:
                      - name: public
                        namespace: gateway
                  analysis:
                    interval: 10s
                    threshold: 1
                    maxWeight: 20
                    stepWeight: 10
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = Main.run(List.of("run", file.toString(), "--simulate", "--speed", "10"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(text).contains("New revision detected! Scaling up web.test").contains("Advance web.test canary weight 20")
                .contains("web.test: Succeeded");
    }
}

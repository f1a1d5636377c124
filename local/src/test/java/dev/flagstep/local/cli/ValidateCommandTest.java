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

/** {@code flagstep validate}: Flagger manifests apply as they are; what the provider ignores is said, not refused. */
class ValidateCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int validate(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("canary.yaml"), yaml);
        return Main.run(List.of("validate", file.toString()), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    static final String TRAEFIK_AB = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: podinfo, namespace: test}
            spec:
              provider: traefik
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
              upstreamRef: {apiVersion: gloo.solo.io/v1, kind: Upstream, name: podinfo}
              service: {port: 80}
              analysis:
                interval: 10s
                iterations: 5
                match: [{headers: {x-canary: {exact: insider}}}]
            """;

    @Test
    void fieldsTheProviderIgnoresAreWarningsAndTheExitCodeStaysZero() throws IOException {
        assertThat(validate(TRAEFIK_AB)).isZero();
        String file = dir.resolve("canary.yaml").toString();
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                file + ": warning: analysis.match: ignored, as by Flagger: provider \"traefik\" has no A/B routing, so for"
                        + " its iterations the analysis sends all traffic to the canary",
                file + ": warning: upstreamRef: ignored, as by Flagger: only used by the gloo provider, not \"traefik\"");
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith(file + ": valid canary test/podinfo");
    }

    @Test
    void aCleanManifestPrintsNoWarning() throws IOException {
        assertThat(validate(TRAEFIK_AB.replace("  upstreamRef: {apiVersion: gloo.solo.io/v1, kind: Upstream, name: podinfo}\n", "")
                .replace("provider: traefik", "provider: istio"))).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}

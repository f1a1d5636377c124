package dev.flagstep.local.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --service} on the command line: a usage error (exit 2, with the usage) when wrong or without --simulate. */
class ServiceOptionTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runWithoutSimulateRefusesIt() {
        assertThat(run("run", "canary.yaml", "--service", "flagger-loadtester.test=http://127.0.0.1:8080")).isEqualTo(2);
        assertThat(err()).startsWith("flagstep: --service needs --simulate").contains("usage: flagstep");
    }

    @Test
    void serveWithoutSimulateRefusesIt() {
        assertThat(run("serve", "--port", "0", "--service", "flagger-loadtester.test=http://127.0.0.1:8080")).isEqualTo(2);
        assertThat(err()).startsWith("flagstep: --service needs --simulate");
    }

    @Test
    void aBadValueIsAUsageErrorBeforeAnythingStarts() {
        assertThat(run("run", "canary.yaml", "--simulate", "--service", "flagger-loadtester=http://127.0.0.1:8080")).isEqualTo(2);
        assertThat(err()).startsWith("flagstep: --service NAME.NAMESPACE[:PORT]=http://127.0.0.1:PORT expected, got"
                + " \"flagger-loadtester=http://127.0.0.1:8080\"");
        assertThat(run("demo", "--service", "x.test=http://example.com")).isEqualTo(2);
        assertThat(err()).contains("must be on this machine");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("flagstep demo:");
    }

    @Test
    void theUsageShowsTheOption() {
        assertThat(run("help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--service NAME.NS[:PORT]=URL");
    }
}

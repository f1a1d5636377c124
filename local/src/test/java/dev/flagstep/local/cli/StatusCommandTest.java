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

/** {@code flagstep status}: bad input is a usage error naming the rule, a table that cannot be read a message; never a stack trace. */
class StatusCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... argv) {
        return Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aCanaryNameKubernetesCouldNotHoldIsAUsageError() {
        assertThat(run("status", "Bad_NS/podinfo", "--db-path", dir.toString())).isEqualTo(2);
        assertThat(err()).startsWith("flagstep: \"Bad_NS\" is not a namespace (lower-case letters, digits and '-', at most 63)");
        assertThat(run("status", "test/Pod Info", "--db-path", dir.toString())).isEqualTo(2);
        assertThat(err()).contains("\"Pod Info\" is not a canary name");
        assertThat(err()).doesNotContain("Exception");
    }

    @Test
    void aDbPathThatIsAFileIsAUsageError() throws IOException {
        Path file = Files.writeString(dir.resolve("table"), "not a table");
        assertThat(run("status", "--db-path", file.toString())).isEqualTo(2);
        assertThat(err()).startsWith("flagstep: --db-path names the directory a run kept its table in; " + file + " is a file");
        assertThat(err()).doesNotContain("Exception");
    }

    @Test
    void anUnknownCanaryIsExitOne() {
        assertThat(run("status", "test/podinfo", "--db-path", dir.toString())).isEqualTo(1);
        assertThat(err()).isEqualTo("flagstep: no canary test/podinfo in " + dir + System.lineSeparator());
    }
}

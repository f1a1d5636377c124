package dev.flagstep.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code cfn-lint template.yaml} (AWS's linter, with the SAM transform applied) passes with no error and no warning.
 * Skipped where cfn-lint is not installed ({@code pip install cfn-lint}).
 */
class TemplateLintTest {

    @Test
    void cfnLintFindsNothing() throws IOException {
        PythonScript.Result version = cfnLint(List.of("--version"));
        assumeTrue(version.exitCode() == 0, () -> "skipped: cfn-lint is not installed (pip install cfn-lint): " + version.err());
        PythonScript.Result lint = cfnLint(List.of("--format", "parseable", "--",
                RepoRoot.path().resolve("template.yaml").toString()));
        assertThat(lint.out() + lint.err()).as("cfn-lint template.yaml (exit %d)", lint.exitCode()).isEmpty();
        assertThat(lint.exitCode()).isZero();
    }

    private static PythonScript.Result cfnLint(List<String> args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("cfn-lint"));
        command.addAll(args);
        try {
            return PythonScript.exec(command, "", Duration.ofMinutes(2));
        } catch (IOException notOnThePath) {
            return new PythonScript.Result(-1, "", notOnThePath.getMessage());
        }
    }
}

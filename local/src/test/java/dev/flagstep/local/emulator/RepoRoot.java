package dev.flagstep.local.emulator;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root, from a module's test run (Maven runs tests in the module directory). */
final class RepoRoot {

    private RepoRoot() {}

    static Path path() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("template.yaml"))) {
                return p;
            }
        }
        throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
    }
}

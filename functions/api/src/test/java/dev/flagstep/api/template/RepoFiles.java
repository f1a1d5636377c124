package dev.flagstep.api.template;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files of the repository from a module's test run (Maven runs tests in the module directory). */
public final class RepoFiles {

    private RepoFiles() {}

    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("template.yaml"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}

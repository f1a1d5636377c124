package dev.flagstep.local.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kubeconfig for kubectl against the simulated cluster: one cluster at its plain-http loopback URL, one user
 * with a token the simulated API server accepts (it checks none), one context, current, in namespace {@code default}.
 */
final class SimulatedKubeconfig {

    static final String NAME = "flagstep-simulated";

    private SimulatedKubeconfig() {
    }

    static String render(URI server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                users:
                - name: %1$s
                  user:
                    token: simulated
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s
                    namespace: default
                current-context: %1$s
                """.formatted(NAME, server);
    }

    /** Writes the kubeconfig to {@code file} (owner-only where the file system allows), creating its directory. */
    static Path write(URI server, Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, render(server));
            try {
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the default ACL of the directory applies
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

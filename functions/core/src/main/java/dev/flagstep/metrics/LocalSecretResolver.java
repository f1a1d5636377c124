package dev.flagstep.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Secrets for the local runtime, so no AWS account is needed. A reference {@code prom-auth} is found
 * <ol>
 *   <li>in a directory {@code <dir>/prom-auth/} with one file per key ({@code token}, or
 *       {@code username} and {@code password}) — the layout of a mounted Kubernetes Secret; or</li>
 *   <li>in environment variables {@code FLAGSTEP_SECRET_PROM_AUTH_<KEY>} (reference upper-cased,
 *       other characters as {@code _}), e.g. {@code FLAGSTEP_SECRET_PROM_AUTH_TOKEN}.</li>
 * </ol>
 * File contents are used as written except for a trailing newline, which editors add.
 */
public final class LocalSecretResolver implements SecretResolver {

    static final String ENV_PREFIX = "FLAGSTEP_SECRET_";

    private final Map<String, String> env;
    private final Optional<Path> directory;

    public LocalSecretResolver(Map<String, String> env, Optional<Path> directory) {
        this.env = Map.copyOf(env);
        this.directory = directory;
    }

    /** The process environment, and {@code $FLAGSTEP_SECRETS_DIR} when set. */
    public static LocalSecretResolver fromEnvironment() {
        Map<String, String> env = System.getenv();
        return new LocalSecretResolver(env, Optional.ofNullable(env.get("FLAGSTEP_SECRETS_DIR")).map(Path::of));
    }

    @Override
    public Map<String, String> resolve(String secretRef) {
        Map<String, String> values = new HashMap<>();
        directory.map(d -> d.resolve(secretRef)).filter(Files::isDirectory).ifPresent(d -> values.putAll(readKeys(d)));
        String prefix = ENV_PREFIX + secretRef.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
        env.forEach((name, value) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                values.putIfAbsent(name.substring(prefix.length()).toLowerCase(Locale.ROOT), value);
            }
        });
        if (values.isEmpty()) {
            throw new MetricQueryException("secret " + secretRef + " not found: expected "
                    + directory.map(d -> d.resolve(secretRef) + "/<key> files or ").orElse("")
                    + "environment variables " + prefix + "<KEY>");
        }
        return Map.copyOf(values);
    }

    private static Map<String, String> readKeys(Path dir) {
        Map<String, String> values = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                values.put(file.getFileName().toString(), text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
            }
        } catch (IOException e) {
            throw new MetricQueryException("secret directory " + dir + " cannot be read: " + e.getMessage(), e);
        }
        return values;
    }
}

package dev.flagstep.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A kubeconfig {@code exec} credential plugin (e.g. {@code aws eks get-token}): runs the command, reads
 * {@code ExecCredential.status.token}, and reuses it until a minute before {@code status.expirationTimestamp}
 * (or for 10 minutes when the plugin gives none).
 */
final class ExecCredential implements BearerToken {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MARGIN = Duration.ofMinutes(1);
    private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);

    private final List<String> command;
    private final Map<String, String> env;
    private final Clock clock;
    private String token;
    private Instant reuseUntil = Instant.MIN;

    ExecCredential(List<String> command, Map<String, String> env, Clock clock) {
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.clock = clock;
    }

    @Override
    public synchronized Optional<String> current() {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(reuseUntil)) {
            JsonNode status = run().path("status");
            token = status.path("token").asText("");
            if (token.isEmpty()) throw new IllegalStateException("kubeconfig exec plugin " + command.get(0) + " printed no status.token");
            Instant expiry = status.hasNonNull("expirationTimestamp")
                    ? Instant.parse(status.get("expirationTimestamp").asText()) : now.plus(DEFAULT_LIFETIME);
            reuseUntil = expiry.minus(MARGIN);
        }
        return Optional.of(token);
    }

    private JsonNode run() {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("kubeconfig exec plugin " + String.join(" ", command) + " failed");
            }
            return JSON.readTree(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("kubeconfig exec plugin " + command.get(0) + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0), e);
        }
    }
}

package dev.flagstep.spec;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One entry of {@code analysis.webhooks}, with Flagger's defaults applied:
 * timeout 10s (per attempt), retries 0, TLS verified, alerts not muted.
 */
public record Webhook(
        String name,
        HookType type,
        URI url,
        Duration timeout,
        int retries,
        boolean disableTLS,
        boolean muteAlert,
        Map<String, String> metadata) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public Webhook {
        metadata = Map.copyOf(metadata);
    }
}

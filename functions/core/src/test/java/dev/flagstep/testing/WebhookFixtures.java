package dev.flagstep.testing;

import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.webhook.Sleeper;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small builders for webhook tests, shared with other modules through the core test-jar. */
public final class WebhookFixtures {

    private WebhookFixtures() {
    }

    /** A hook with Flagger's defaults: 10s, no retries, TLS verified, no metadata. */
    public static Webhook hook(String name, HookType type, URI url) {
        return new Webhook(name, type, url, Webhook.DEFAULT_TIMEOUT, 0, false, false, Map.of());
    }

    public static Webhook hook(String name, HookType type, URI url, Duration timeout, int retries) {
        return new Webhook(name, type, url, timeout, retries, false, false, Map.of());
    }

    public static Webhook withMetadata(Webhook hook, Map<String, String> metadata) {
        return new Webhook(hook.name(), hook.type(), hook.url(), hook.timeout(), hook.retries(), hook.disableTLS(),
                hook.muteAlert(), metadata);
    }

    public static Webhook withDisableTLS(Webhook hook) {
        return new Webhook(hook.name(), hook.type(), hook.url(), hook.timeout(), hook.retries(), true,
                hook.muteAlert(), hook.metadata());
    }

    /** A {@link Sleeper} that records the waits it is asked for and returns at once. */
    public static final class RecordingSleeper implements Sleeper {
        private final List<Duration> waits = new ArrayList<>();

        @Override
        public synchronized void sleep(Duration duration) {
            waits.add(duration);
        }

        public synchronized List<Duration> waits() {
            return List.copyOf(waits);
        }
    }
}

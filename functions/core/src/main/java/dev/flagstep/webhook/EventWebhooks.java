package dev.flagstep.webhook;

import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flagger's global event webhook ({@code -event-webhook} / {@code EVENT_WEBHOOK_URL}): used only for
 * canaries that have no {@code event} hook of their own, as a hook named {@code events} with the
 * default 10s timeout, no retries and TLS verified ({@code events.go:sendEventToWebhook}).
 */
public final class EventWebhooks {

    public static final String ENV = "EVENT_WEBHOOK_URL";
    public static final String GLOBAL_NAME = "events";

    private EventWebhooks() {
    }

    /** The hooks an event of this canary goes to: its own event hooks, else the global one, else none. */
    public static List<Webhook> targets(List<Webhook> canaryHooks, Optional<URI> globalUrl) {
        List<Webhook> own = canaryHooks.stream().filter(h -> h.type() == HookType.EVENT).toList();
        if (!own.isEmpty()) {
            return own;
        }
        return globalUrl.map(url -> List.of(new Webhook(GLOBAL_NAME, HookType.EVENT, url,
                Webhook.DEFAULT_TIMEOUT, 0, false, false, Map.of()))).orElse(List.of());
    }

    /** {@code EVENT_WEBHOOK_URL} from the environment; unset, blank or unparseable means none. */
    public static Optional<URI> globalUrl(Map<String, String> environment) {
        String value = environment.getOrDefault(ENV, "").trim();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}

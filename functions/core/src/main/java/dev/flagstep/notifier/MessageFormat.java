package dev.flagstep.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;

/** How one provider type words an alert: the JSON body Flagger's notifier of that type posts. */
public interface MessageFormat {

    /**
     * @param channel  the provider's channel (Flagger's default {@code general}); ignored by Teams and Google Chat
     * @param username the bot name (default {@code flagger}); ignored by Teams and Google Chat
     */
    ObjectNode body(Notification notification, String channel, String username);

    /** Where the body goes, from the provider's address (Discord's Slack-compatible endpoint differs). */
    default URI address(URI configured) {
        return configured;
    }

    /** Whether a {@code token} from the provider's secret is sent as {@code Authorization: Bearer} (Slack only). */
    default boolean sendsToken() {
        return false;
    }
}

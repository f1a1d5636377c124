package dev.flagstep.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;

/**
 * Flagger's {@code Discord.Post}: Slack's payload (colours {@code good}/{@code danger}) to the webhook's
 * Slack-compatible endpoint, the address with {@code /slack} appended unless it already ends so.
 */
final class DiscordFormat implements MessageFormat {

    @Override
    public ObjectNode body(Notification n, String channel, String username) {
        return SlackAttachments.payload(n, channel, username, n.isError() ? "danger" : "good");
    }

    @Override
    public URI address(URI configured) {
        String text = configured.toString();
        if (text.endsWith("/slack")) {
            return configured;
        }
        // Go's path.Join(webhook.Path, "slack"): one slash between, the query kept
        String path = configured.getRawPath() == null ? "" : configured.getRawPath();
        String joined = (path.endsWith("/") ? path : path + "/") + "slack";
        String query = configured.getRawQuery() == null ? "" : "?" + configured.getRawQuery();
        return URI.create(configured.getScheme() + "://" + configured.getRawAuthority() + joined + query);
    }
}

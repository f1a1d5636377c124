package dev.flagstep.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Flagger's {@code Slack.Post}: colour {@code good}, {@code danger} for errors; a secret's token as a bearer token. */
final class SlackFormat implements MessageFormat {

    @Override
    public ObjectNode body(Notification n, String channel, String username) {
        return SlackAttachments.payload(n, channel, username, n.isError() ? "danger" : "good");
    }

    @Override
    public boolean sendsToken() {
        return true;
    }
}

package dev.flagstep.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Flagger's {@code Rocket.Post}: Slack's payload with colours {@code #0076D7}, {@code #FF0000} for errors. */
final class RocketFormat implements MessageFormat {

    @Override
    public ObjectNode body(Notification n, String channel, String username) {
        return SlackAttachments.payload(n, channel, username, n.isError() ? "#FF0000" : "#0076D7");
    }
}

package dev.flagstep.notifier;

import java.util.Arrays;
import java.util.Optional;

/** The AlertProvider types of Flagger's notifier factory ({@code spec.type}), each with its message format. */
public enum ProviderType {
    SLACK("slack", new SlackFormat()),
    MSTEAMS("msteams", new MsTeamsFormat()),
    DISCORD("discord", new DiscordFormat()),
    ROCKET("rocket", new RocketFormat()),
    GCHAT("gchat", new GChatFormat());

    private final String wireName;
    private final MessageFormat format;

    ProviderType(String wireName, MessageFormat format) {
        this.wireName = wireName;
        this.format = format;
    }

    public String wireName() {
        return wireName;
    }

    public MessageFormat format() {
        return format;
    }

    public static Optional<ProviderType> of(String wireName) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
    }
}

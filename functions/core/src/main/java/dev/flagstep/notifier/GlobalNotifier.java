package dev.flagstep.notifier;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Flagger's global notifier ({@code -slack-url}, {@code -slack-channel}, {@code -slack-user},
 * {@code -slack-proxy-url}, or {@code -msteams-url} and {@code -msteams-proxy-url}, Teams winning when both are
 * set): it gets every alert of canaries whose analysis names no {@code alerts}. Its hook URL is a secret (the
 * stack's Secrets Manager secret, or the local runtime's environment), read on the first alert and kept for the
 * container's life, never before (nothing is read before a SnapStart snapshot).
 *
 * @param secret the secret's keys: {@code address} (or its only value) and, for Slack, {@code token}
 */
public final class GlobalNotifier {

    private final ProviderType type;
    private final Supplier<Map<String, String>> secret;
    private final Optional<URI> proxy;
    private final String username;
    private final String channel;
    private volatile Map<String, String> read;

    public GlobalNotifier(ProviderType type, Supplier<Map<String, String>> secret, Optional<URI> proxy, String username,
                          String channel) {
        this.type = type;
        this.secret = secret;
        this.proxy = proxy;
        this.username = username;
        this.channel = channel;
    }

    public ProviderType type() {
        return type;
    }

    public Optional<URI> proxy() {
        return proxy;
    }

    public String username() {
        return username;
    }

    public String channel() {
        return channel;
    }

    /** The hook URL: the secret's {@code address}, or its only value. */
    String address() {
        Map<String, String> values = values();
        String address = values.get("address");
        if (address == null && values.size() == 1) {
            address = values.values().iterator().next();
        }
        if (address == null || address.isBlank()) {
            throw new IllegalStateException("the global " + type.wireName() + " notifier's secret has no \"address\" key");
        }
        return address.strip();
    }

    Optional<String> token() {
        return Optional.ofNullable(values().get("token")).filter(t -> !t.isEmpty());
    }

    private Map<String, String> values() {
        Map<String, String> v = read;
        if (v == null) {
            synchronized (this) {
                v = read;
                if (v == null) {
                    // a failed read is not kept: the next alert tries again
                    v = Map.copyOf(secret.get());
                    read = v;
                }
            }
        }
        return v;
    }

    /**
     * Flagger's {@code initNotifier} from settings: Teams when its URL is set, else Slack when its URL is set, else
     * none. Flagger's Slack notifier refuses an empty channel or user, and then sends nothing: so does this.
     *
     * @param slack   the Slack URL's secret, if configured
     * @param msTeams the Teams URL's secret, if configured
     * @return empty when no URL is configured
     * @throws IllegalArgumentException naming the setting when Slack is configured without a channel or user
     */
    public static Optional<GlobalNotifier> of(Optional<Supplier<Map<String, String>>> slack, Optional<URI> slackProxy,
                                              String slackUser, String slackChannel,
                                              Optional<Supplier<Map<String, String>>> msTeams, Optional<URI> msTeamsProxy) {
        if (msTeams.isPresent()) {
            return Optional.of(new GlobalNotifier(ProviderType.MSTEAMS, msTeams.get(), msTeamsProxy, "", ""));
        }
        if (slack.isEmpty()) {
            return Optional.empty();
        }
        if (slackChannel.isBlank()) {
            throw new IllegalArgumentException("the global Slack notifier needs a channel (SlackChannel): Flagger's "
                    + "-slack-channel has no default");
        }
        if (slackUser.isBlank()) {
            throw new IllegalArgumentException("the global Slack notifier needs a user name (SlackUser)");
        }
        return Optional.of(new GlobalNotifier(ProviderType.SLACK, slack.get(), slackProxy, slackUser, slackChannel));
    }
}

package dev.flagstep.notifier;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The deployment's alert settings: the global notifier and the cluster name every alert carries (Flagger's
 * {@code -cluster-name}).
 */
public record NotifierSettings(Optional<GlobalNotifier> global, Optional<String> clusterName) {

    public static NotifierSettings none() {
        return new NotifierSettings(Optional.empty(), Optional.empty());
    }

    /**
     * The Lambda functions' settings: {@code SLACK_URL_SECRET_ARN} / {@code MSTEAMS_URL_SECRET_ARN} (Secrets Manager
     * secrets holding the hook URL, read by {@code secrets} on the first alert), {@code SLACK_CHANNEL},
     * {@code SLACK_USER} (flagger), {@code SLACK_PROXY_URL}, {@code MSTEAMS_PROXY_URL}, {@code ALERT_CLUSTER_NAME}.
     */
    public static NotifierSettings fromStackEnvironment(Map<String, String> env, Function<String, Map<String, String>> secrets) {
        return new NotifierSettings(GlobalNotifier.of(
                secretOf(env, "SLACK_URL_SECRET_ARN", secrets), url(env, "SLACK_PROXY_URL"),
                value(env, "SLACK_USER").orElse("flagger"), value(env, "SLACK_CHANNEL").orElse(""),
                secretOf(env, "MSTEAMS_URL_SECRET_ARN", secrets), url(env, "MSTEAMS_PROXY_URL")),
                value(env, "ALERT_CLUSTER_NAME"));
    }

    /**
     * The local runtime's settings, from its environment: {@code FLAGSTEP_SLACK_URL}, {@code FLAGSTEP_SLACK_CHANNEL},
     * {@code FLAGSTEP_SLACK_USER}, {@code FLAGSTEP_SLACK_PROXY_URL}, {@code FLAGSTEP_MSTEAMS_URL},
     * {@code FLAGSTEP_MSTEAMS_PROXY_URL}, {@code FLAGSTEP_CLUSTER_NAME}.
     */
    public static NotifierSettings fromLocalEnvironment(Map<String, String> env) {
        return new NotifierSettings(GlobalNotifier.of(
                plain(env, "FLAGSTEP_SLACK_URL"), url(env, "FLAGSTEP_SLACK_PROXY_URL"),
                value(env, "FLAGSTEP_SLACK_USER").orElse("flagger"), value(env, "FLAGSTEP_SLACK_CHANNEL").orElse(""),
                plain(env, "FLAGSTEP_MSTEAMS_URL"), url(env, "FLAGSTEP_MSTEAMS_PROXY_URL")),
                value(env, "FLAGSTEP_CLUSTER_NAME"));
    }

    private static Optional<Supplier<Map<String, String>>> plain(Map<String, String> env, String name) {
        return value(env, name).map(url -> () -> Map.of("address", url));
    }

    private static Optional<Supplier<Map<String, String>>> secretOf(Map<String, String> env, String name,
                                                                    Function<String, Map<String, String>> secrets) {
        return value(env, name).map(arn -> () -> secrets.apply(arn));
    }

    /** An optional proxy URL; a bad one names its variable. */
    private static Optional<URI> url(Map<String, String> env, String name) {
        return value(env, name).map(v -> {
            try {
                URI uri = new URI(v);
                if (uri.getHost() == null) {
                    throw new URISyntaxException(v, "no host");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(name + ": not a proxy URL: " + v);
            }
        });
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}

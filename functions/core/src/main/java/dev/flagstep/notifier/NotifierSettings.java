package dev.flagstep.notifier;

import java.net.URI;
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
        return from(env, "", name -> secretOf(env, name + "_SECRET_ARN", secrets), "ALERT_CLUSTER_NAME");
    }

    /**
     * The local runtime's settings, from its environment: {@code FLAGSTEP_SLACK_URL}, {@code FLAGSTEP_SLACK_CHANNEL},
     * {@code FLAGSTEP_SLACK_USER}, {@code FLAGSTEP_SLACK_PROXY_URL}, {@code FLAGSTEP_MSTEAMS_URL},
     * {@code FLAGSTEP_MSTEAMS_PROXY_URL}, {@code FLAGSTEP_CLUSTER_NAME}.
     */
    public static NotifierSettings fromLocalEnvironment(Map<String, String> env) {
        return from(env, "FLAGSTEP_", name -> value(env, "FLAGSTEP_" + name).map(url -> () -> Map.of("address", url)),
                "FLAGSTEP_CLUSTER_NAME");
    }

    private static NotifierSettings from(Map<String, String> env, String prefix,
                                         Function<String, Optional<Supplier<Map<String, String>>>> url, String clusterName) {
        Optional<GlobalNotifier> global = GlobalNotifier.of(
                url.apply("SLACK_URL"), value(env, prefix + "SLACK_PROXY_URL").map(URI::create),
                value(env, prefix + "SLACK_USER").orElse("flagger"), value(env, prefix + "SLACK_CHANNEL").orElse(""),
                url.apply("MSTEAMS_URL"), value(env, prefix + "MSTEAMS_PROXY_URL").map(URI::create));
        return new NotifierSettings(global, value(env, clusterName));
    }

    private static Optional<Supplier<Map<String, String>>> secretOf(Map<String, String> env, String name,
                                                                    Function<String, Map<String, String>> secrets) {
        return value(env, name).map(arn -> () -> secrets.apply(arn));
    }

    private static Optional<String> value(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }
}

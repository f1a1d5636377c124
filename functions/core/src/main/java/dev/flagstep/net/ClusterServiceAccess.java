package dev.flagstep.net;

import java.util.Locale;
import java.util.Map;

/**
 * How flagstep reaches cluster Services (stack parameter {@code ClusterServiceAccess}, environment
 * {@value #ENV}): through the API server's service proxy (the default), or not at all ({@code off}:
 * every URL goes out directly, as before).
 */
public enum ClusterServiceAccess {
    PROXY, OFF;

    public static final String ENV = "FLAGSTEP_CLUSTER_SERVICE_ACCESS";

    /**
     * {@value #ENV} from {@code env}; unset or blank means {@link #PROXY}.
     *
     * @throws IllegalStateException naming the variable for any other value than proxy or off
     */
    public static ClusterServiceAccess fromEnvironment(Map<String, String> env) {
        String value = env.getOrDefault(ENV, "").strip();
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "", "proxy" -> PROXY;
            case "off" -> OFF;
            default -> throw new IllegalStateException("environment variable " + ENV + " is '" + value
                    + "': must be proxy or off (template parameter ClusterServiceAccess)");
        };
    }
}

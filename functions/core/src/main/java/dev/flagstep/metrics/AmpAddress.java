package dev.flagstep.metrics;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises an Amazon Managed Prometheus query endpoint
 * ({@code https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-.../}), which must be signed
 * with SigV4 instead of carrying a token.
 */
final class AmpAddress {

    private static final Pattern HOST_REGION = Pattern.compile("^aps-workspaces(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?$");

    private AmpAddress() {}

    static boolean isAmp(URI address) {
        String host = Optional.ofNullable(address.getHost()).orElse("");
        String path = Optional.ofNullable(address.getPath()).orElse("");
        return (host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn")) && path.startsWith("/workspaces/");
    }

    /** The region in the host name, for templates that do not set {@code provider.region}. */
    static Optional<String> regionOf(URI address) {
        Matcher m = HOST_REGION.matcher(Optional.ofNullable(address.getHost()).orElse(""));
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}

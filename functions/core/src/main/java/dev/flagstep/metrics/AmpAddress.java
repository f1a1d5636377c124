package dev.flagstep.metrics;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises an Amazon Managed Prometheus query endpoint
 * ({@code https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-.../}), which must be signed
 * with SigV4 instead of carrying a token. AWS credentials go to that exact host only (and its FIPS
 * and China-partition forms), over https: an address that merely ends in {@code .amazonaws.com}
 * (an API Gateway, a load balancer, a bucket website anyone can create) gets none.
 */
final class AmpAddress {

    private static final Pattern HOST_REGION = Pattern.compile("^aps-workspaces(?:-fips)?\\.([a-z]{2}(?:-[a-z]+)+-\\d)\\.amazonaws\\.com(?:\\.cn)?$");

    private AmpAddress() {}

    /** A real AMP workspace endpoint: the AMP host of a region, https, a {@code /workspaces/} path. */
    static boolean isAmp(URI address) {
        return "https".equalsIgnoreCase(address.getScheme()) && regionOf(address).isPresent() && path(address).startsWith("/workspaces/");
    }

    /** Looks like AMP (an AWS host, a workspace path) without being it: signing it would hand out credentials. */
    static boolean looksLikeAmp(URI address) {
        String host = host(address);
        return (host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn")) && path(address).startsWith("/workspaces/")
                && !isAmp(address);
    }

    /** The region in the host name, for templates that do not set {@code provider.region}. */
    static Optional<String> regionOf(URI address) {
        Matcher m = HOST_REGION.matcher(host(address));
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String host(URI address) {
        return Optional.ofNullable(address.getHost()).orElse("").toLowerCase(Locale.ROOT);
    }

    private static String path(URI address) {
        return Optional.ofNullable(address.getPath()).orElse("");
    }
}

package dev.flagstep.net;

import dev.flagstep.spec.CanaryId;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which URLs name a Service of the cluster, the way a Flagger user writes them (Flagger resolves them
 * with the cluster's DNS; flagstep, outside the cluster, reaches them through the API server's service
 * proxy). The one rule, for every caller that calls a URL:
 * <ul>
 * <li>only {@code http} and {@code https}; the host lower-cased, one trailing dot ignored;</li>
 * <li>IP literals (v4, v6) and {@code localhost} are not Services;</li>
 * <li>{@code name}: Service {@code name} in the canary's namespace;</li>
 * <li>{@code name.ns}: a Service only when namespace {@code ns} exists (so {@code example.com} is not);</li>
 * <li>{@code name.ns.svc} and {@code name.ns.svc.{clusterDomain}}: a Service; any other host of three
 *     or more labels is not ({@code hooks.slack.com}, {@code pod.ns.pod.cluster.local});</li>
 * <li>{@code name} must be a DNS-1035 label (a Service name), {@code ns} a DNS-1123 label, else not a Service;</li>
 * <li>the port is the URL's, else 80 ({@code http}) or 443 ({@code https}).</li>
 * </ul>
 * Pure but for the namespace lookup it is given.
 */
public final class ClusterServices {

    /** Kubernetes' default cluster domain (kubelet {@code --cluster-domain}). */
    public static final String DEFAULT_DOMAIN = "cluster.local";
    /** The environment variable naming the cluster domain (stack parameter {@code ClusterDomain}). */
    public static final String DOMAIN_ENV = "FLAGSTEP_CLUSTER_DOMAIN";

    private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    /** A label of the cluster domain (namespaces are {@link CanaryId#isNamespace}). */
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("[0-9.]+");

    private final String clusterDomain;
    private final NamespaceLookup namespaces;

    /**
     * @param clusterDomain e.g. {@code cluster.local}: lower-cased, one trailing dot ignored
     * @throws IllegalArgumentException when it is not a DNS name
     */
    public ClusterServices(String clusterDomain, NamespaceLookup namespaces) {
        this.clusterDomain = domain(clusterDomain).orElseThrow(() -> new IllegalArgumentException(
                "cluster domain '" + clusterDomain + "' is not a DNS name such as cluster.local"));
        this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
    }

    public String clusterDomain() {
        return clusterDomain;
    }

    /**
     * The Service {@code url} names, or empty when it goes out directly.
     *
     * @param canaryNamespace where a one-label host lives
     * @throws ClusterServiceException when a two-label host's namespace cannot be looked up
     */
    public Optional<ServiceAddress> serviceOf(URI url, String canaryNamespace) {
        String scheme = Optional.ofNullable(url.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.empty();
        }
        String host = host(url);
        if (host.isEmpty() || host.contains(":") || host.startsWith("[") || IPV4.matcher(host).matches()
                || host.equals("localhost")) {
            return Optional.empty();
        }
        boolean https = scheme.equals("https");
        int port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
        String[] labels = host.split("\\.", -1);
        String name = labels[0];
        if (!isServiceName(name)) {
            return Optional.empty();
        }
        if (labels.length == 1) {
            return CanaryId.isNamespace(canaryNamespace)
                    ? Optional.of(new ServiceAddress(canaryNamespace, name, https, port)) : Optional.empty();
        }
        String namespace = labels[1];
        if (!CanaryId.isNamespace(namespace)) {
            return Optional.empty();
        }
        Optional<ServiceAddress> service = Optional.of(new ServiceAddress(namespace, name, https, port));
        if (labels.length == 2) {
            try {
                return namespaces.exists(namespace) ? service : Optional.empty();
            } catch (ClusterServiceException e) {
                throw new ClusterServiceException((e.apiUnavailable() ? "cannot reach the Kubernetes API server to tell whether "
                        : "cannot tell whether ") + host + " is a cluster Service: " + e.getMessage(), e.retryable(), e.apiUnavailable());
            }
        }
        if (!labels[2].equals("svc")) {
            return Optional.empty();
        }
        if (labels.length == 3) {
            return service;
        }
        String rest = String.join(".", Arrays.copyOfRange(labels, 3, labels.length));
        return rest.equals(clusterDomain) ? service : Optional.empty();
    }

    /** A Service name (RFC 1035 label): a lower-case letter first, then letters, digits and '-', at most 63. */
    public static boolean isServiceName(String name) {
        return DNS_1035.matcher(name).matches();
    }

    /**
     * The namespace a {@code name.ns} host would be in, when both labels could name a Service: what
     * {@link #serviceOf} looked up for it. Pure; no lookup.
     */
    public static Optional<String> twoLabelNamespace(URI url) {
        String host = host(url);
        String[] labels = host.split("\\.", -1);
        return labels.length == 2 && isServiceName(labels[0]) && CanaryId.isNamespace(labels[1])
                && !IPV4.matcher(host).matches() ? Optional.of(labels[1]) : Optional.empty();
    }

    /** The URL's host, lower-cased, without one trailing dot; empty when it has none. */
    private static String host(URI url) {
        String host = Optional.ofNullable(url.getHost()).orElse("").toLowerCase(Locale.ROOT);
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /**
     * {@value #DOMAIN_ENV} from {@code env}, {@value #DEFAULT_DOMAIN} when unset or blank.
     *
     * @throws IllegalStateException naming the variable when it is not a DNS name
     */
    public static String domainFromEnvironment(Map<String, String> env) {
        String value = env.getOrDefault(DOMAIN_ENV, "").strip();
        if (value.isEmpty()) {
            return DEFAULT_DOMAIN;
        }
        return domain(value).orElseThrow(() -> new IllegalStateException("environment variable " + DOMAIN_ENV + " is '"
                + value + "': must be the cluster's DNS domain, such as " + DEFAULT_DOMAIN + " (template parameter ClusterDomain)"));
    }

    /** Lower-cased, without one trailing dot, when every label is a DNS-1123 label. */
    private static Optional<String> domain(String text) {
        String d = Optional.ofNullable(text).orElse("").strip().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty() || d.length() > 253) {
            return Optional.empty();
        }
        for (String label : d.split("\\.", -1)) {
            if (!DNS_1123.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(d);
    }
}

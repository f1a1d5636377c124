package dev.flagstep.net;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster Service a URL names, as the Kubernetes API server's service proxy addresses it:
 * {@code /api/v1/namespaces/{namespace}/services/[https:]{name}:{port}/proxy/...}. The API server matches
 * {@code port} against a Service port's number (or name).
 *
 * @param https whether the proxy connects to the Service with TLS ({@code https://} URLs)
 */
public record ServiceAddress(String namespace, String name, boolean https, int port) {

    private static final Pattern PROXY_PATH = Pattern.compile(
            "/api/v1/namespaces/([a-z0-9]([-a-z0-9]*[a-z0-9])?)/services/(https:|http:)?([a-z]([-a-z0-9]*[a-z0-9])?)(:([0-9]{1,5}))?/proxy(/.*)?");

    public ServiceAddress {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * The API server path (and query) that reaches this Service at {@code rawPath}: the URL's raw path
     * ({@code ""} becomes {@code /}) and its raw query kept byte for byte, or none.
     */
    public String proxyPath(String rawPath, Optional<String> rawQuery) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        return "/api/v1/namespaces/" + namespace + "/services/" + (https ? "https:" : "") + name + ":" + port
                + "/proxy" + path + rawQuery.map(q -> "?" + q).orElse("");
    }

    /** {@code name.namespace}, as messages name a Service. */
    public String shown() {
        return name + "." + namespace;
    }

    /** A Service and the path after {@code /proxy}, read back from an API server proxy path. */
    public record Proxied(ServiceAddress service, String rawPath) {
    }

    /**
     * Reads an API server proxy path back (the API server rewrites a receiver's {@code Location: /next}
     * to one): the Service and the receiver's own path ({@code /} when none). Empty for any other path,
     * and for a named port (a URL cannot say it).
     */
    public static Optional<Proxied> fromProxyPath(String rawPath) {
        if (rawPath == null) {
            return Optional.empty();
        }
        Matcher m = PROXY_PATH.matcher(rawPath);
        if (!m.matches()) {
            return Optional.empty();
        }
        boolean https = "https:".equals(m.group(3));
        int port = m.group(7) == null ? (https ? 443 : 80) : Integer.parseInt(m.group(7));
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        String rest = m.group(8) == null ? "/" : m.group(8);
        return Optional.of(new Proxied(new ServiceAddress(m.group(1), m.group(4), https, port), rest));
    }
}

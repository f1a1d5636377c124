package dev.flagstep.local.cli;

import dev.flagstep.net.ClusterServices;
import dev.flagstep.spec.CanaryId;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One {@code --service NAME.NS[:PORT]=URL}: the simulated cluster's Service {@code NAME} in namespace {@code NS},
 * port {@code PORT} (default 80, or 443 when {@code URL} is https), is backed by the local server at {@code URL}, so a
 * cluster address such as {@code http://NAME.NS/...} reaches it through the API server's service proxy.
 * {@code NAME.NS} may also be written {@code NAME.NS.svc} or {@code NAME.NS.svc.cluster.local}; {@code URL} is
 * {@code http(s)://127.0.0.1:PORT} or {@code http(s)://localhost:PORT}, with no path.
 */
public record ServiceBacking(String name, String namespace, int port, URI server) {

    public static final String OPTION = "service";
    static final String FORM = "NAME.NAMESPACE[:PORT]=http://127.0.0.1:PORT";


    /** Every {@code --service} value, in order; the same Service twice is an error. */
    public static List<ServiceBacking> parseAll(List<String> values) {
        List<ServiceBacking> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String v : values) {
            ServiceBacking b = parse(v);
            if (!seen.add(b.name() + "." + b.namespace())) {
                throw bad(v, "Service " + b.name() + "." + b.namespace() + " is backed twice (one local server backs a Service)");
            }
            out.add(b);
        }
        return List.copyOf(out);
    }

    /** @throws Args.UsageException naming the option, the expected form and what is wrong */
    public static ServiceBacking parse(String value) {
        int eq = value.indexOf('=');
        if (eq < 0) throw bad(value, "no '=' between the Service and the local server's URL");
        String service = value.substring(0, eq);
        URI server = server(value, value.substring(eq + 1));
        String host = service;
        int port = "https".equals(server.getScheme()) ? 443 : 80;
        int colon = service.lastIndexOf(':');
        if (colon >= 0) {
            host = service.substring(0, colon);
            port = port(value, service.substring(colon + 1));
        }
        String[] labels = host.split("\\.", -1);
        boolean shape = labels.length == 2
                || labels.length == 3 && labels[2].equals("svc")
                || labels.length == 5 && labels[2].equals("svc") && labels[3].equals("cluster") && labels[4].equals("local");
        if (!shape) {
            throw bad(value, "\"" + host + "\" is not NAME.NAMESPACE, NAME.NAMESPACE.svc or NAME.NAMESPACE.svc.cluster.local");
        }
        if (!ClusterServices.isServiceName(labels[0])) {
            throw bad(value, "\"" + labels[0] + "\" is not a Service name (lower-case letters, digits and '-', starting with a letter, at most 63)");
        }
        if (!CanaryId.isNamespace(labels[1])) {
            throw bad(value, "\"" + labels[1] + "\" is not a namespace name (lower-case letters, digits and '-', at most 63)");
        }
        return new ServiceBacking(labels[0], labels[1], port, server);
    }

    private static URI server(String value, String url) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw bad(value, "the local server's URL must start with http:// or https://, got \"" + url + "\"");
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw bad(value, "\"" + url + "\" is not a URL");
        }
        if (!"127.0.0.1".equals(u.getHost()) && !"localhost".equals(u.getHost())) {
            throw bad(value, "the local server must be on this machine (127.0.0.1 or localhost), got \"" + url + "\"");
        }
        if (u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null
                || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))) {
            throw bad(value, "the local server's URL is a scheme, host and port only (the request's path is kept), got \"" + url + "\"");
        }
        int port = u.getPort() < 0 ? ("https".equals(u.getScheme()) ? 443 : 80) : u.getPort();
        return URI.create(u.getScheme() + "://" + u.getHost() + ":" + port);
    }

    private static int port(String value, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535 && port.chars().allMatch(Character::isDigit)) return p;
        } catch (NumberFormatException e) {
            // below
        }
        throw bad(value, "the Service port must be a number 1-65535, got \"" + port + "\"");
    }

    private static Args.UsageException bad(String value, String why) {
        return new Args.UsageException("--" + OPTION + " " + FORM + " expected, got \"" + value + "\": " + why);
    }
}

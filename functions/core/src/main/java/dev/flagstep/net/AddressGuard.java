package dev.flagstep.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one policy for requests to addresses a canary chooses (webhooks, event hooks, the global
 * event webhook, metrics providers), decided once by the wiring and used by every outbound caller.
 *
 * <p>{@link #aws} (the Lambda functions) refuses any address that reaches the function's own
 * machine or the cloud's internals: loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16,
 * fe80::/10), fd00:ec2::/16, unspecified (0.0.0.0/8, ::), IPv4 forms hidden in IPv6, and the host
 * and port of {@code AWS_LAMBDA_RUNTIME_API}. {@link #local} (flagstep demo, run, serve) allows
 * loopback, where its receivers and Prometheus listen, and refuses the rest.
 *
 * <p>Every address a host resolves to is checked, not just the first. DNS rebinding (a name that
 * answers a public address to the check and 127.0.0.1 to the connect) is closed by checking again
 * at connect time: {@link #lease} registers the host with {@link GuardedResolverProvider}, the JVM's
 * resolver, which refuses the connect's own lookup if it answers a refused address.
 */
public final class AddressGuard {

    /** Turns a host into addresses; {@link InetAddress#getAllByName} outside tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final String where;
    private final boolean allowLoopback;
    private final Optional<HostPort> runtimeApi;
    private final Resolver resolver;

    AddressGuard(String where, boolean allowLoopback, Optional<HostPort> runtimeApi, Resolver resolver) {
        this.where = where;
        this.allowLoopback = allowLoopback;
        this.runtimeApi = runtimeApi;
        this.resolver = resolver;
    }

    /** The Lambda functions' policy; {@code AWS_LAMBDA_RUNTIME_API} is read from {@code env}. */
    public static AddressGuard aws(Map<String, String> env) {
        return new AddressGuard("the AWS deployment", false,
                Optional.ofNullable(env.get("AWS_LAMBDA_RUNTIME_API")).flatMap(HostPort::parse), InetAddress::getAllByName);
    }

    /** The local runtime's policy: loopback allowed (its receivers listen on 127.0.0.1). */
    public static AddressGuard local() {
        return new AddressGuard("the local runtime", true, Optional.empty(), InetAddress::getAllByName);
    }

    /** As {@link #aws}, resolving with {@code resolver} (tests). */
    public static AddressGuard aws(Optional<String> runtimeApi, Resolver resolver) {
        return new AddressGuard("the AWS deployment", false, runtimeApi.flatMap(HostPort::parse), resolver);
    }

    /**
     * Checks {@code target} (every address its host resolves to) without registering it. A host that
     * does not resolve passes: the request then fails as it would anyway ("no such host").
     *
     * @throws RefusedAddressException naming the URL, the kind of address and this policy
     */
    public void check(URI target) {
        String host = host(target);
        int port = port(target);
        if (runtimeApi.filter(api -> api.host().equalsIgnoreCase(host) && api.port() == port).isPresent()) {
            throw runtimeApiRefused(target);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return;
        }
        for (InetAddress address : addresses) {
            if (runtimeApi.flatMap(HostPort::address).filter(api -> api.equals(AddressRules.normalised(address))).isPresent()
                    && runtimeApi.get().port() == port) {
                throw runtimeApiRefused(target);
            }
            refusal(address).ifPresent(kind -> {
                throw new RefusedAddressException(shown(target) + " resolves to " + kind + " ("
                        + address.getHostAddress() + "), refused in " + where);
            });
        }
    }

    /**
     * What {@link #check} would say without any DNS lookup: for IP literals and {@code localhost}
     * names only (a document is validated once; names may resolve elsewhere later, and are checked
     * on every request).
     */
    public Optional<String> refusalWithoutLookup(URI target) {
        try {
            new AddressGuard(where, allowLoopback, runtimeApi, AddressGuard::literalOnly).check(target);
            return Optional.empty();
        } catch (RefusedAddressException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static InetAddress[] literalOnly(String host) throws UnknownHostException {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return new InetAddress[] {InetAddress.getLoopbackAddress()}; // RFC 6761
        }
        if (h.matches("[0-9.]+") || h.contains(":")) {
            return new InetAddress[] {InetAddress.getByName(h)}; // a literal: parsed, not looked up
        }
        throw new UnknownHostException(host);
    }

    /**
     * {@link #check}s {@code target} and keeps its host under this policy at connect time until the
     * lease is closed: wrap each request (and each redirect hop) in one.
     */
    public Lease lease(URI target) {
        check(target);
        return GuardedResolverProvider.register(host(target), this);
    }

    /** Why this policy refuses {@code address} (the words for a message), or empty. Pure. */
    public Optional<String> refusal(InetAddress address) {
        return AddressRules.kind(address)
                .filter(kind -> !(allowLoopback && kind == AddressRules.Kind.LOOPBACK))
                .map(kind -> kind.words);
    }

    /** "the AWS deployment" or "the local runtime", as messages say. */
    public String where() {
        return where;
    }

    private RefusedAddressException runtimeApiRefused(URI target) {
        return new RefusedAddressException(shown(target) + " is the Lambda runtime API (AWS_LAMBDA_RUNTIME_API), refused in " + where);
    }

    /** A host name, or an IP literal without IPv6's brackets. */
    static String host(URI target) {
        String host = Optional.ofNullable(target.getHost()).orElse("");
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(URI target) {
        return target.getPort() >= 0 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
    }

    /** The URL without its user info, which may hold a password. */
    static String shown(URI target) {
        String raw = target.toString();
        String userInfo = target.getRawUserInfo();
        return userInfo == null ? raw : raw.replaceFirst(java.util.regex.Pattern.quote(userInfo + "@"), "");
    }

    /** A registration for connect-time checks; closing it ends them. */
    public interface Lease extends AutoCloseable {
        /** Why the connect's own lookup was refused, if it was (the HTTP client only says "unresolved"). */
        Optional<String> refusal();

        @Override
        void close();
    }

    /** {@code AWS_LAMBDA_RUNTIME_API}: {@code 127.0.0.1:9001}, {@code [::1]:9001} or {@code host:port}. */
    record HostPort(String host, int port) {
        static Optional<HostPort> parse(String value) {
            String v = value.strip();
            int colon = v.lastIndexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            String host = v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                return Optional.of(new HostPort(host.toLowerCase(Locale.ROOT), Integer.parseInt(v.substring(colon + 1))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        /** The address when the host is an IP literal (it always is in Lambda). */
        Optional<InetAddress> address() {
            if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
                return Optional.empty();
            }
            try {
                return Optional.of(AddressRules.normalised(InetAddress.getByName(host)));
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
    }

    @Override
    public String toString() {
        return "AddressGuard[" + where + "]";
    }
}

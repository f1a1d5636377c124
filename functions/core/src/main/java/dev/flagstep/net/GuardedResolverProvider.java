package dev.flagstep.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The JVM's name resolver (JDK 18+ SPI, registered in {@code META-INF/services}): the JDK's own
 * resolver, plus the {@link AddressGuard} checks for hosts a guarded request is being sent to. So
 * the lookup the HTTP client makes to connect is checked too, which closes the window between the
 * guard's check and the connect (DNS rebinding). Every other lookup passes through untouched.
 *
 * <p>The JDK loads a provider once, on the first lookup, from the context class loader; where it is
 * not loaded (a runtime that resolved names before flagstep's classes were on it) the guard's own
 * check before each request still applies, and the JVM's address cache (30 s) makes the connect's
 * lookup return what was checked in all but a few milliseconds of each cache period.
 */
public final class GuardedResolverProvider extends InetAddressResolverProvider {

    /** Host (lower case) to the registrations of the requests in flight to it. */
    private static final Map<String, List<Registration>> GUARDED = new ConcurrentHashMap<>();
    private static volatile boolean active;

    @Override
    public InetAddressResolver get(Configuration configuration) {
        active = true;
        return new Guarded(configuration.builtinResolver());
    }

    @Override
    public String name() {
        return "flagstep-guarded";
    }

    /** Whether the JVM resolves names through this provider (it does once a lookup happened with it on the class path). */
    public static boolean active() {
        return active;
    }

    static AddressGuard.Lease register(String host, AddressGuard guard) {
        String key = host.toLowerCase(Locale.ROOT);
        Registration registration = new Registration(key, guard);
        GUARDED.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(registration);
        return registration;
    }

    /**
     * Refuses {@code address} looked up for {@code host} if a guard in flight to it refuses it; the
     * refusal is also kept on the registration, because the HTTP client reports a failed lookup only
     * as an unresolved address, without this message.
     */
    static void checkConnect(String host, InetAddress address) throws UnknownHostException {
        for (Registration registration : GUARDED.getOrDefault(host.toLowerCase(Locale.ROOT), List.of())) {
            var refusal = registration.guard.refusal(address);
            if (refusal.isPresent()) {
                String message = host + " resolves to " + refusal.get() + " (" + address.getHostAddress()
                        + ") at connect time, refused in " + registration.guard.where();
                registration.refusal = message;
                throw new RefusedHostException(message);
            }
        }
    }

    private static final class Registration implements AddressGuard.Lease {
        private final String host;
        private final AddressGuard guard;
        private volatile String refusal;

        Registration(String host, AddressGuard guard) {
            this.host = host;
            this.guard = guard;
        }

        @Override
        public java.util.Optional<String> refusal() {
            return java.util.Optional.ofNullable(refusal);
        }

        @Override
        public void close() {
            GUARDED.computeIfPresent(host, (k, registrations) -> {
                registrations.remove(this);
                return registrations.isEmpty() ? null : registrations;
            });
        }
    }

    /** The builtin resolver with the checks. */
    record Guarded(InetAddressResolver builtin) implements InetAddressResolver {
        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            List<InetAddress> addresses = builtin.lookupByName(host, policy).toList();
            for (InetAddress address : addresses) {
                checkConnect(host, address);
            }
            return addresses.stream();
        }

        @Override
        public String lookupByAddress(byte[] address) throws UnknownHostException {
            return builtin.lookupByAddress(address);
        }
    }

    /** A lookup refused by a guard: an UnknownHostException, so the HTTP client fails the connect with it. */
    public static final class RefusedHostException extends UnknownHostException {
        public RefusedHostException(String message) {
            super(message);
        }
    }
}

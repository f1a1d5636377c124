package dev.flagstep.gatelink;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Whether gate links are on, the key they are signed with, and how long they last. On AWS (template.yaml):
 * {@code GATE_LINKS} ({@code on}/{@code off}), {@code GATE_LINK_SECRET_ARN} (the secret holding the key, as
 * {@code {"secret": "..."}} or its only value) and {@code GATE_LINK_TTL_HOURS}. The key is read from Secrets
 * Manager once per container, on the first link minted or clicked, never before a SnapStart snapshot; a
 * rotated key is picked up by new containers (docs/security.md, "Gate links").
 */
public final class GateLinkSettings {

    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    public static final int MAX_TTL_HOURS = 24 * 30;

    private final Optional<Supplier<GateLinkSigner>> signer;
    private final Duration ttl;

    private GateLinkSettings(Optional<Supplier<GateLinkKey>> key, Duration ttl) {
        this.signer = key.map(k -> once(() -> new GateLinkSigner(k.get())));
        this.ttl = ttl;
    }

    /** Links off: none minted, the link routes answer that they are turned off. */
    public static GateLinkSettings off() {
        return new GateLinkSettings(Optional.empty(), DEFAULT_TTL);
    }

    public static GateLinkSettings of(GateLinkKey key, Duration ttl) {
        return new GateLinkSettings(Optional.of(() -> key), ttl);
    }

    /**
     * From a function's environment; {@code secrets} reads a secret's key/value pairs by ARN (called at most once).
     *
     * @throws IllegalArgumentException naming the variable whose value is wrong
     */
    public static GateLinkSettings fromEnvironment(Map<String, String> env, Function<String, Map<String, String>> secrets) {
        String onOff = env.getOrDefault("GATE_LINKS", "on").strip();
        if (!onOff.equals("on") && !onOff.equals("off")) {
            throw new IllegalArgumentException("GATE_LINKS: on or off, not \"" + onOff + "\"");
        }
        Optional<String> arn = Optional.ofNullable(env.get("GATE_LINK_SECRET_ARN")).map(String::strip).filter(s -> !s.isEmpty());
        Duration ttl = ttl(env.get("GATE_LINK_TTL_HOURS"));
        if (onOff.equals("off") || arn.isEmpty()) {
            return new GateLinkSettings(Optional.empty(), ttl);
        }
        return new GateLinkSettings(Optional.of(() -> key(arn.get(), secrets.apply(arn.get()))), ttl);
    }

    static Duration ttl(String hours) {
        if (hours == null || hours.isBlank()) {
            return DEFAULT_TTL;
        }
        try {
            int h = Integer.parseInt(hours.strip());
            if (h < 1 || h > MAX_TTL_HOURS) {
                throw new NumberFormatException();
            }
            return Duration.ofHours(h);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GATE_LINK_TTL_HOURS: whole hours from 1 to " + MAX_TTL_HOURS + ", not \"" + hours + "\"");
        }
    }

    private static GateLinkKey key(String arn, Map<String, String> values) {
        String key = values.get("secret");
        if (key == null && values.size() == 1) {
            key = values.values().iterator().next();
        }
        if (key == null || key.length() < GateLinkKey.MIN_BYTES) {
            throw new IllegalStateException("gate link secret " + arn + " needs a \"secret\" value of at least "
                    + GateLinkKey.MIN_BYTES + " characters");
        }
        return GateLinkKey.of(key);
    }

    public boolean enabled() {
        return signer.isPresent();
    }

    public Duration ttl() {
        return ttl;
    }

    /** The signer (its key read on first use), when links are on. */
    public Optional<Supplier<GateLinkSigner>> signer() {
        return signer;
    }

    /** The minter for links into the API at {@code api}, when links are on. */
    public Optional<GateLinkMinter> minter(URI api, Clock clock) {
        return signer.map(s -> new GateLinkMinter(s, api, clock, ttl));
    }

    /** Built once, on first use; a failed read is tried again on the next use. */
    private static <T> Supplier<T> once(Supplier<T> factory) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        if (value == null) {
                            value = factory.get();
                        }
                        v = value;
                    }
                }
                return v;
            }
        };
    }
}

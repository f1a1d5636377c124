package dev.flagstep.gatelink;

import dev.flagstep.gate.GateType;
import dev.flagstep.spec.CanaryId;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes the "Approve" and "Roll back" links for a rollout parked on a closed confirm-* gate:
 * {@code {api}/links/{token}}, each with its own nonce, both expiring {@code ttl} from now. Its
 * {@link #links} has the shape of the notifiers' {@code GateActions} port, so that port is one line
 * over this class.
 *
 * <p>Nothing is drawn at construction: the key is read and the random source seeded on the first
 * link, so a SnapStart snapshot holds neither and restored containers never share nonces.
 */
public final class GateLinkMinter {

    private final Supplier<GateLinkSigner> signer;
    private final URI api;
    private final Clock clock;
    private final Duration ttl;
    private volatile SecureRandom random;

    /**
     * @param signer the stack's signer (its key read on first use)
     * @param api the API's base URL, as clicked from a chat message
     * @param ttl how long a link works
     */
    public GateLinkMinter(Supplier<GateLinkSigner> signer, URI api, Clock clock, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a gate link's lifetime must be positive, not " + ttl);
        }
        this.signer = signer;
        String base = api.toString();
        this.api = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.clock = clock;
        this.ttl = ttl;
    }

    /**
     * The pair for {@code gate} ({@code confirm-rollout}, {@code confirm-traffic-increase},
     * {@code confirm-promotion}) of the canary's run {@code runId}; empty for any other gate name or a
     * run id no link can carry.
     */
    public Optional<GateLinkPair> links(CanaryId canary, String runId, String gate) {
        Optional<GateType> type = GateType.fromWire(gate).filter(t -> t.isBuiltIn() && t != GateType.ROLLBACK);
        if (type.isEmpty() || !canary.valid()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new GateLinkPair(link(canary, type.get(), GateLinkAction.APPROVE, runId),
                    link(canary, type.get(), GateLinkAction.ROLLBACK, runId)));
        } catch (IllegalArgumentException unfit) {
            return Optional.empty();
        }
    }

    /** One link. */
    public URI link(CanaryId canary, GateType gate, GateLinkAction action, String runId) {
        GateLinkClaims claims = new GateLinkClaims(canary, gate, action, runId, clock.instant().plus(ttl), nonce());
        return URI.create(api + "/links/" + signer.get().sign(claims));
    }

    /** The same links on another clock (a test's, for links that are already expired). */
    public GateLinkMinter withClock(Clock other) {
        return new GateLinkMinter(signer, api, other, ttl);
    }

    private String nonce() {
        SecureRandom r = random;
        if (r == null) {
            synchronized (this) {
                if (random == null) {
                    random = new SecureRandom();
                }
                r = random;
            }
        }
        byte[] b = new byte[16];
        r.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}

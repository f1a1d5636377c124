package dev.flagstep.api;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message.Severity;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.gatelink.GateLinkAction;
import dev.flagstep.gatelink.GateLinkCheck;
import dev.flagstep.gatelink.GateLinkClaims;
import dev.flagstep.gatelink.GateLinkSettings;
import dev.flagstep.gatelink.GateLinkSigner;
import dev.flagstep.gatelink.GateLinkUses;
import dev.flagstep.gate.LoadtesterPath;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.ActiveRun;
import dev.flagstep.store.SpecRecord;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.Versioned;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code /links/{token}}: the one-click "Approve" and "Roll back" links of a closed gate
 * (docs/security.md, "Gate links"). Unauthenticated: the signed token is the credential. A GET (or
 * HEAD) only shows what the link would do, because chat apps open links with bots to preview them; the
 * page's button POSTs to the same URL, and only that acts: the token is verified, the run must still
 * be the canary's active run, a webhook of the canary must read the gate, and the gate must still be closed;
 * the link is spent once, and the gate opens
 * through {@link GateOpening} as {@code POST .../gates/{gate}/open} opens it, waking the parked rollout.
 * Every outcome is a page for people; nothing here answers 500 with a trace.
 */
final class GateLinkRoute {

    /** The wiring: whether links are on and with which key, where spent links are kept, the clock links expire on. */
    record Wiring(GateLinkSettings settings, Supplier<GateLinkUses> uses, Clock clock) {}

    private static final Logger LOG = Logger.getLogger(GateLinkRoute.class.getName());
    private static final int MAX_AGENT_CHARS = 200;

    private final Wiring wiring;
    private final CanaryStore store;
    private final GateOpening opening;
    private final SpecParser parser;

    GateLinkRoute(Wiring wiring, CanaryStore store, GateOpening opening, SpecParser parser) {
        this.wiring = wiring;
        this.store = store;
        this.opening = opening;
        this.parser = parser;
    }

    HttpResponse handle(String token, HttpRequest req) {
        if (wiring.settings().signer().isEmpty()) {
            return GateLinkPage.page(404, "Gate links are turned off",
                    "This flagstep does not accept gate links (GateLinks=disabled). Open the gate with the API or the CLI.",
                    Optional.empty());
        }
        try {
            return switch (req.method()) {
                case "GET", "HEAD" -> show(token, req);
                case "POST" -> act(token, req);
                default -> GateLinkPage.page(405, "Not here",
                        "A gate link is opened in a browser (GET) and confirmed with its button (POST).", Optional.empty())
                        .withHeader("Allow", "GET, HEAD, POST");
            };
        } catch (RuntimeException e) {
            // the store, Step Functions or the key's secret failed: say so, keep the details in the log
            String id = UUID.randomUUID().toString();
            LOG.log(Level.WARNING, "gate link request " + id + " " + req.method() + ": failed", e);
            return GateLinkPage.page(503, "Try again in a moment",
                    "flagstep could not act on this link right now (logged as " + id + "). The link was not used up "
                            + "unless this page says so; try again, or open the gate with the API.", Optional.empty());
        }
    }

    private HttpResponse show(String token, HttpRequest req) {
        return switch (verify(token)) {
            case GateLinkCheck.Valid v -> stale(v.claims(), req).orElseGet(() -> GateLinkPage.confirm(v.claims()));
            case GateLinkCheck.Refused r -> refused(r);
        };
    }

    private HttpResponse act(String token, HttpRequest req) {
        return switch (verify(token)) {
            case GateLinkCheck.Valid v -> act(v.claims(), req);
            case GateLinkCheck.Refused r -> refused(r);
        };
    }

    private HttpResponse act(GateLinkClaims c, HttpRequest req) {
        Optional<HttpResponse> stale = stale(c, req);
        if (stale.isPresent()) {
            return stale.get();
        }
        String ip = req.sourceIp().orElse("unknown address");
        String agent = agent(req);
        String who = "gate link from " + ip;
        if (!wiring.uses().get().spend(c, who + " (" + agent + ")")) {
            return used(c);
        }
        String verb = c.action() == GateLinkAction.APPROVE ? "Approve" : "Roll back";
        String why = verb + " link for " + c.gate().wireName() + " of run " + c.runId() + ", clicked with " + agent;
        boolean resumed = opening.open(c.canary(), c.opens(), who, why);
        audit(c, ip, agent);
        LOG.info(() -> "gate link used: " + c.action() + " " + c.canary() + " gate " + c.gate() + " run " + c.runId()
                + " from " + ip + " (" + agent + "), resumed=" + resumed);
        String next = resumed ? "The waiting rollout was woken and goes on now." : "The rollout sees it at its next check.";
        return c.action() == GateLinkAction.APPROVE
                ? GateLinkPage.page(200, "Approved", "The " + c.gate().wireName() + " gate of " + c.canary().dotted()
                        + " is open. " + next, Optional.of(c))
                : GateLinkPage.page(200, "Rolling back", "The rollback gate of " + c.canary().dotted()
                        + " is open: the canary is rolled back. " + next, Optional.of(c));
    }

    private GateLinkCheck verify(String token) {
        GateLinkSigner signer = wiring.settings().signer().orElseThrow().get();
        return signer.verify(token, wiring.clock().instant());
    }

    /** Why a link that verified can no longer act, or empty when it can. */
    private Optional<HttpResponse> stale(GateLinkClaims c, HttpRequest req) {
        if (store.spec(c.canary()).isEmpty()) {
            return Optional.of(GateLinkPage.page(404, "No such canary",
                    "Canary " + c.canary().dotted() + " no longer exists.", Optional.of(c)));
        }
        Optional<Instant> spent = wiring.uses().get().spentAt(c);
        if (spent.isPresent()) {
            return Optional.of(used(c));
        }
        Optional<String> active = store.activeRun(c.canary()).map(ActiveRun::runId);
        if (!active.equals(Optional.of(c.runId()))) {
            return Optional.of(GateLinkPage.page(409, "This rollout is over",
                    "The rollout this link was sent for is no longer running"
                            + active.map(r -> " (" + c.canary().dotted() + " is now rolling out run " + r + ")").orElse("")
                            + ". Nothing was changed.", Optional.of(c)));
        }
        if (!hookedToTheGate(c, req)) {
            String path = c.action() == GateLinkAction.APPROVE ? "/gate/check" : "/rollback/check";
            String type = c.action() == GateLinkAction.APPROVE ? c.gate().wireName() : "rollback";
            return Optional.of(GateLinkPage.page(409, "No webhook reads this gate",
                    "flagstep's built-in gates act through the canary's webhooks: a " + type + " webhook at this API's " + path
                            + ". " + c.canary().dotted() + " has none, so this link would change nothing. Nothing was changed.",
                    Optional.of(c)));
        }
        if (store.gate(c.canary(), c.opens()).open()) {
            return Optional.of(GateLinkPage.page(409, "Already open",
                    "The " + c.opens().wireName() + " gate of " + c.canary().dotted() + " is already open. Nothing was changed.",
                    Optional.of(c)));
        }
        return Optional.empty();
    }

    /**
     * Whether opening the gate moves the rollout: the phases read flagstep's built-in gates only through the
     * canary's webhooks, a confirm-* webhook at this API's {@code /gate/check} (approve) or a rollback webhook at
     * its {@code /rollback/check} (roll back), in-process or over HTTP. "This API" is the host the link was
     * clicked on (the phases' FLAGSTEP_API_URL on AWS). A hook at an external flagger-loadtester reads that
     * loadtester's own gate, which a link cannot open.
     */
    private boolean hookedToTheGate(GateLinkClaims c, HttpRequest req) {
        Optional<String> host = req.header("Host").map(String::strip).filter(h -> !h.isEmpty());
        Optional<SpecRecord> spec = store.spec(c.canary());
        if (host.isEmpty() || spec.isEmpty() || !(parser.parse(spec.get().source(), c.canary()) instanceof SpecResult.Valid v)) {
            return false;
        }
        HookType type = c.action() == GateLinkAction.APPROVE ? HookType.fromWire(c.gate().wireName()).orElseThrow() : HookType.ROLLBACK;
        LoadtesterPath path = c.action() == GateLinkAction.APPROVE ? LoadtesterPath.GATE_CHECK : LoadtesterPath.ROLLBACK_CHECK;
        return v.document().canary().analysis().map(a -> a.hooks(type)).orElse(java.util.List.of()).stream()
                .anyMatch(hook -> hook.url().getScheme() != null && LoadtesterPath.hookedAt(
                        URI.create(hook.url().getScheme() + "://" + host.get()), hook.url()).filter(p -> p == path).isPresent());
    }

    private static HttpResponse used(GateLinkClaims c) {
        return GateLinkPage.page(410, "This link was already used",
                "Each gate link works once. Nothing was changed now.", Optional.of(c));
    }

    private static HttpResponse refused(GateLinkCheck.Refused r) {
        return switch (r.reason()) {
            case EXPIRED -> GateLinkPage.page(410, "This link has expired",
                    "Gate links work for a limited time. Nothing was changed; open the gate with the API or the CLI, "
                            + "or use the link of a newer message.", r.claims());
            case TAMPERED -> GateLinkPage.page(403, "This link is not valid",
                    "Its signature does not match: it was changed, or signed with a key this flagstep no longer uses. "
                            + "Nothing was changed.", Optional.empty());
            case MALFORMED -> GateLinkPage.page(404, "Not a gate link",
                    "This address is not a link flagstep handed out. Nothing was changed.", Optional.empty());
        };
    }

    /** The event history's record of who clicked, next to the gate's own who/why. */
    private void audit(GateLinkClaims c, String ip, String agent) {
        Optional<CanaryStatus> status = store.status(c.canary()).map(Versioned::value);
        String message = (c.action() == GateLinkAction.APPROVE
                ? "Gate " + c.gate().wireName() + " opened with a signed Approve link"
                : "Rollback gate opened with a signed Roll back link (sent for gate " + c.gate().wireName() + ")")
                + " of run " + c.runId() + " from " + ip + " (" + agent + ")";
        store.append(new CanaryEvent(c.canary(), c.action() == GateLinkAction.APPROVE ? Severity.NORMAL : Severity.WARNING,
                message, status.map(CanaryStatus::phase).orElse(CanaryPhase.PROGRESSING), wiring.clock().instant(),
                status.map(CanaryStatus::canaryWeight).orElse(0), status.map(CanaryStatus::failedChecks).orElse(0),
                c.runId(), status.map(CanaryStatus::checksum).orElse("")));
    }

    /** The User-Agent, printable ASCII only and cut short: it is the clicker's to choose. */
    private static String agent(HttpRequest req) {
        String raw = req.header("User-Agent").orElse("no user agent");
        StringBuilder b = new StringBuilder();
        for (char ch : raw.toCharArray()) {
            if (b.length() == MAX_AGENT_CHARS) {
                break;
            }
            b.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return b.toString();
    }
}

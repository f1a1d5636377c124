package dev.flagstep.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SessionAffinity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Flagger's {@code getSessionAffinityRouteRules}, the same on an HTTPRoute and a VirtualService: while the canary
 * has traffic, its side of the weighted rule sets the canary cookie (and the primary's side the primary cookie,
 * living one analysis interval) and rules placed before the weighted rule send requests carrying a cookie to its
 * side; once the canary weight is back to 0, a rule expires the run's cookie and otherwise routes like the
 * weighted rule. (With no cookie to expire Flagger writes the weighted rule twice; flagstep writes it once.)
 * Each router says how its rules look; this says which rules there are.
 */
interface StickyRules {

    /** A copy of the weighted rule for requests carrying {@code cookie}, sending them by {@code routes}. */
    ObjectNode sticky(ObjectNode weighted, String cookie, Routes routes);

    /** Adds a {@code Set-Cookie} response header to the weighted rule's backend {@code service}. */
    void setCookie(ObjectNode weighted, String service, String setCookie);

    /** A copy of the weighted rule for requests carrying {@code cookie}, answering with {@code setCookie}. */
    ObjectNode expiring(ObjectNode weighted, String cookie, String setCookie);

    /**
     * The rules to place before the weighted rule, with the cookie {@code Set-Cookie} headers added to it; the
     * run's cookies are read from and kept on {@code object} ({@link AffinityCookies}).
     */
    default List<ObjectNode> before(ObjectNode object, ObjectNode weighted, Routes r, SessionAffinity a,
                                    CanarySpec canary, CookieValues values) {
        List<ObjectNode> before = new ArrayList<>();
        if (r.canary() == 0) {
            AffinityCookies.retire(object).ifPresent(previous ->
                    before.add(expiring(weighted, previous, SessionAffinity.expire(previous))));
            return before;
        }
        String cookie = AffinityCookies.getOrCreate(object, AffinityCookies.CURRENT, a.cookieName(), values);
        Optional<String> primaryCookie = a.primaryCookieName()
                .map(n -> AffinityCookies.getOrCreate(object, AffinityCookies.PRIMARY, n, values));
        before.add(sticky(weighted, cookie, new Routes(0, 100, false)));
        primaryCookie.ifPresent(pc -> before.add(sticky(weighted, pc, new Routes(100, 0, false))));
        setCookie(weighted, RouterObjects.canary(canary), a.setCookie(cookie, a.maxAge()));
        long interval = canary.analysis().orElseThrow().interval().toSeconds();
        primaryCookie.ifPresent(pc -> setCookie(weighted, RouterObjects.primary(canary), a.setCookie(pc, interval)));
        return before;
    }
}

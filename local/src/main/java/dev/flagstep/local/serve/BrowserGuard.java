package dev.flagstep.local.serve;

import dev.flagstep.api.HttpRequest;
import dev.flagstep.api.HttpResponse;
import dev.flagstep.api.Problem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps web pages out of {@code flagstep serve}. The server has no authentication (loopback only),
 * so any page open in the developer's browser could otherwise POST to it: open a gate, start a
 * rollout. Refused, with a problem+json answer saying why:
 * <ul>
 * <li>a {@code Host} other than the server's own loopback name and port (DNS rebinding: a page whose
 *     name now resolves to 127.0.0.1 would be "same-origin");</li>
 * <li>an {@code Origin} other than the server's own, and {@code Sec-Fetch-Site} other than
 *     {@code same-origin} or {@code none} (403);</li>
 * <li>on every method but GET, HEAD and OPTIONS, the body types a page can send without a CORS
 *     preflight: {@code application/x-www-form-urlencoded}, {@code multipart/form-data},
 *     {@code text/plain} (415).</li>
 * </ul>
 * One exception to the last rule: the confirmation page of a gate link ({@code GET /links/{token}}) posts its
 * button as a form to its own URL, so a same-origin {@code application/x-www-form-urlencoded} POST to
 * {@code /links/{token}} passes. It forges nothing: the signed token in the path is the credential, and the
 * origin checks above still refuse other pages.
 * Command-line clients (curl, the AWS CLI, Flagger's webhooks) send no {@code Origin} and JSON or no
 * body type, and pass. A browser UI on another origin works only when started with
 * {@code --allow-browser-origin ORIGIN}: that origin passes the origin checks and gets CORS answers.
 */
public final class BrowserGuard {

    public static final String OPTION = "allow-browser-origin";
    private static final Set<String> SIMPLE_TYPES = Set.of("application/x-www-form-urlencoded", "multipart/form-data", "text/plain");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> SAME_SITE_OK = Set.of("same-origin", "none");

    private final int port;
    private final Set<String> allowedOrigins;

    BrowserGuard(int port, Set<String> allowedOrigins) {
        this.port = port;
        this.allowedOrigins = Set.copyOf(allowedOrigins);
    }

    /**
     * {@code --allow-browser-origin} values (comma-separated): each {@code scheme://host[:port]}, as
     * browsers send it in {@code Origin}.
     *
     * @throws IllegalArgumentException naming the value that is not an origin
     */
    public static Set<String> parseOrigins(Optional<String> option) {
        if (option.isEmpty()) {
            return Set.of();
        }
        Set<String> origins = new java.util.LinkedHashSet<>();
        for (String raw : option.get().split(",")) {
            String value = raw.strip();
            try {
                URI uri = new URI(value);
                boolean origin = uri.getScheme() != null && uri.getHost() != null && uri.getRawUserInfo() == null
                        && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                        && uri.getRawFragment() == null && (uri.getScheme().equals("http") || uri.getScheme().equals("https"));
                if (!origin) {
                    throw new URISyntaxException(value, "not an origin");
                }
                origins.add(value.toLowerCase(Locale.ROOT));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--" + OPTION + " takes origins such as http://localhost:3000 "
                        + "(scheme, host and port; no path), got \"" + value + "\"");
            }
        }
        return origins;
    }

    /** The answer refusing {@code req}, or empty to serve it. */
    Optional<HttpResponse> refusal(HttpRequest req) {
        Optional<String> host = req.header("Host").map(h -> h.strip().toLowerCase(Locale.ROOT));
        if (host.isPresent() && !ownHosts().contains(host.get())) {
            return refuse(req, Problem.forbidden("Host " + host.get() + " refused: flagstep serve answers requests addressed to "
                    + "127.0.0.1:" + port + " or localhost:" + port + " only (a page whose name resolves to 127.0.0.1 "
                    + "must not reach it)"));
        }
        Optional<String> origin = req.header("Origin").map(o -> o.strip().toLowerCase(Locale.ROOT));
        boolean allowed = origin.filter(allowedOrigins::contains).isPresent();
        if (origin.isPresent() && !allowed && !ownOrigins().contains(origin.get())) {
            return refuse(req, Problem.forbidden("cross-origin request from " + origin.get() + " refused: flagstep serve "
                    + "answers pages of its own origin (http://127.0.0.1:" + port + ") and of origins given with --" + OPTION));
        }
        Optional<String> site = req.header("Sec-Fetch-Site").map(s -> s.strip().toLowerCase(Locale.ROOT));
        if (site.isPresent() && !allowed && !SAME_SITE_OK.contains(site.get())) {
            return refuse(req, Problem.forbidden(site.get() + " request refused (Sec-Fetch-Site: " + site.get()
                    + "): a web page may not drive flagstep serve; start it with --" + OPTION + " ORIGIN to allow one"));
        }
        Optional<String> type = req.mediaType();
        if (!SAFE_METHODS.contains(req.method()) && type.filter(SIMPLE_TYPES::contains).isPresent() && !isGateLinkForm(req, type.get())) {
            return refuse(req, Problem.unsupportedMediaType("Content-Type " + type.get() + " is refused on " + req.method() + " "
                    + req.path() + ": any web page can send it without the browser asking first; send application/json "
                    + "(curl: -H 'Content-Type: application/json'), or YAML for canary documents"));
        }
        return Optional.empty();
    }

    /** The button of a gate link's confirmation page: a form POST to {@code /links/{token}}, token-authenticated. */
    private static boolean isGateLinkForm(HttpRequest req, String type) {
        String[] segments = req.path().split("/", -1);
        return req.method().equals("POST") && type.equals("application/x-www-form-urlencoded")
                && segments.length == 3 && segments[0].isEmpty() && segments[1].equals("links") && !segments[2].isEmpty();
    }

    /** CORS headers for a request from an allowed origin (empty for all others, so browsers keep pages out). */
    Map<String, String> corsHeaders(HttpRequest req) {
        Optional<String> origin = req.header("Origin").map(o -> o.strip().toLowerCase(Locale.ROOT)).filter(allowedOrigins::contains);
        if (origin.isEmpty()) {
            return Map.of();
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Access-Control-Allow-Origin", origin.get());
        h.put("Vary", "Origin");
        if (req.method().equals("OPTIONS")) {
            h.put("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE");
            h.put("Access-Control-Allow-Headers", "Content-Type");
            h.put("Access-Control-Max-Age", "600");
        }
        return h;
    }

    /** A CORS preflight from an allowed origin: answered here, the API has no OPTIONS routes. */
    boolean isAllowedPreflight(HttpRequest req) {
        return req.method().equals("OPTIONS") && req.header("Access-Control-Request-Method").isPresent()
                && !corsHeaders(req).isEmpty();
    }

    private List<String> ownHosts() {
        return List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
    }

    private List<String> ownOrigins() {
        return ownHosts().stream().map(h -> "http://" + h).toList();
    }

    private static Optional<HttpResponse> refuse(HttpRequest req, Problem problem) {
        return Optional.of(problem.toResponse(req.path()));
    }
}

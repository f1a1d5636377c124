package dev.flagstep.api;

import dev.flagstep.gatelink.GateLinkAction;
import dev.flagstep.gatelink.GateLinkClaims;
import java.util.Optional;

/**
 * The small HTML pages of the gate links: the confirmation a GET shows (with the button that POSTs), and
 * the answer to every outcome. No script, no external resource, never framed (a click here acts), never
 * cached, and no Referer leaves with the token.
 */
final class GateLinkPage {

    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private GateLinkPage() {}

    /** The confirmation: what the link does, for which canary, gate and run, until when, and the button. */
    static HttpResponse confirm(GateLinkClaims c) {
        String verb = c.action() == GateLinkAction.APPROVE ? "Approve" : "Roll back";
        String what = c.action() == GateLinkAction.APPROVE
                ? "Opening the " + c.gate().wireName() + " gate lets the rollout of " + c.canary().dotted() + " go on."
                : "Opening the rollback gate rolls the canary " + c.canary().dotted() + " back: all traffic returns to the primary.";
        return page(200, verb + " " + c.canary().dotted() + "?", what, Optional.of(c), Optional.of(verb));
    }

    static HttpResponse page(int status, String title, String message, Optional<GateLinkClaims> link) {
        return page(status, title, message, link, Optional.empty());
    }

    private static HttpResponse page(int status, String title, String message, Optional<GateLinkClaims> link,
            Optional<String> button) {
        StringBuilder b = new StringBuilder(1024);
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"robots\" content=\"noindex, nofollow\">")
                .append("<title>flagstep: ").append(escape(title)).append("</title>")
                .append("<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#222}")
                .append("th{text-align:left;padding-right:1rem;font-weight:600}td{font-family:ui-monospace,monospace}")
                .append("button{font-size:1.1rem;padding:.6rem 1.4rem;margin-top:1.2rem;cursor:pointer}</style></head><body>")
                .append("<h1>").append(escape(title)).append("</h1>")
                .append("<p>").append(escape(message)).append("</p>");
        link.ifPresent(c -> b.append("<table>")
                .append(row("Canary", c.canary().dotted()))
                .append(row("Gate", c.gate().wireName()))
                .append(row("Action", c.action() == GateLinkAction.APPROVE ? "approve (open " + c.gate().wireName() + ")"
                        : "roll back (open the rollback gate)"))
                .append(row("Run", c.runId()))
                .append(row("Link expires", c.expiresAt().toString()))
                .append("</table>"));
        // no action attribute: the form posts to this very URL, token included (same origin)
        button.ifPresent(label -> b.append("<form method=\"post\"><input type=\"hidden\" name=\"confirm\" value=\"yes\">")
                .append("<button type=\"submit\">").append(escape(label)).append("</button></form>")
                .append("<p><small>The link works once. Opening this page changed nothing.</small></p>"));
        b.append("</body></html>");
        return HttpResponse.html(status, b.toString())
                .withHeader("Content-Security-Policy", CSP)
                .withHeader("X-Frame-Options", "DENY")
                .withHeader("Cache-Control", "no-store")
                .withHeader("Referrer-Policy", "no-referrer")
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("X-Robots-Tag", "noindex, nofollow");
    }

    private static String row(String name, String value) {
        return "<tr><th>" + escape(name) + "</th><td>" + escape(value) + "</td></tr>";
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}

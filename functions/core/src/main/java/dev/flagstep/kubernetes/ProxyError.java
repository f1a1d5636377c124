package dev.flagstep.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.net.ServiceAddress;
import java.io.IOException;
import java.util.Optional;

/**
 * An error of the API server's service proxy itself, told apart from the receiver's own answer by its
 * Kubernetes {@code Status} body ({@code "kind":"Status","apiVersion":"v1"}), and named for the user.
 * A simulated or real API server's own hint in {@code message} is kept, in parentheses.
 *
 * @param retryable as a connection refused would be in the cluster (no endpoints, unreachable pod)
 */
public record ProxyError(int status, String message, boolean retryable) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNREACHABLE = "error trying to reach service";
    private static final String NO_ENDPOINTS = "no endpoints available for service";

    /** The named error when {@code body} is a proxy Status of one of the known kinds; else empty (the receiver's answer). */
    public static Optional<ProxyError> of(int status, String body, ServiceAddress service) {
        Optional<JsonNode> parsed = status(body);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        JsonNode s = parsed.get();
        String message = s.path("message").asText("");
        String reason = s.path("reason").asText("");
        String svc = "service " + service.shown();
        if (status == 503 && message.startsWith(NO_ENDPOINTS)) {
            // Kubernetes quotes the bare name, or the whole "name:port" id when pods exist but none is Ready
            return Optional.of(new ProxyError(status, svc + " has no ready endpoints" + hint(afterQuoted(message, NO_ENDPOINTS)), true));
        }
        if (status == 503 && message.startsWith("no service port ")) {
            // the URL names a port the Service does not have: no retry will change that
            return Optional.of(new ProxyError(status, svc + ": " + message, false));
        }
        if (status == 404 && reason.equals("NotFound") && s.path("details").path("kind").asText("").equals("endpoints")) {
            // an ExternalName or selectorless Service: the proxy only forwards to pods
            return Optional.of(new ProxyError(status, svc + ": " + message, false));
        }
        if (status == 503 && message.startsWith(UNREACHABLE)) {
            return Optional.of(new ProxyError(status, svc + ": " + message, true));
        }
        if (status == 404 && reason.equals("NotFound") && s.path("details").path("kind").asText("").equals("services")) {
            String usual = "services \"" + service.name() + "\" not found";
            return Optional.of(new ProxyError(status, svc + " not found"
                    + hint(message.startsWith(usual) ? message.substring(usual.length()) : message), false));
        }
        if (status == 403 && reason.equals("Forbidden")) {
            return Optional.of(new ProxyError(status, "forbidden: the flagstep role may not proxy to services in namespace "
                    + service.namespace() + " (grant services/proxy get/create, see docs/cluster-services.md)", false));
        }
        if (status == 401) {
            return Optional.of(new ProxyError(status, "unauthorized: the Kubernetes API server did not accept flagstep's token"
                    + " (check the cluster's access entries, see docs/cluster-services.md)", false));
        }
        return Optional.empty();
    }

    /**
     * When the API server itself, not the proxied receiver, answered {@code status}: a 5xx or 429 with a
     * Kubernetes {@code Status} body that {@link #of} does not name (503 "the server is currently unable to
     * handle the request", 429 "Too many requests", 500 an internal error). It is overloaded, restarting or
     * throttling flagstep: an infrastructure fault, like an API server that refuses connections.
     *
     * @return the message naming it, e.g. {@code cannot reach the Kubernetes API server to call service
     *         flagger-loadtester.test: it answered 503 the server is currently unable to handle the request}
     */
    public static Optional<String> apiUnavailable(int status, String body, ServiceAddress service) {
        if (status < 500 && status != 429 || of(status, body, service).isPresent()) {
            return Optional.empty();
        }
        return status(body).map(s -> unreachable(service, "it answered " + status
                + Optional.of(s.path("message").asText("")).filter(m -> !m.isBlank()).map(m -> " " + m).orElse("")));
    }

    /** The words for a proxied call that the API server could not take: never its address as the Service's. */
    public static String unreachable(ServiceAddress service, String cause) {
        return "cannot reach the Kubernetes API server to call service " + service.shown() + ": " + cause;
    }

    /** What the API server said beyond its usual words, in parentheses; nothing when it said only those. */
    private static String hint(String rest) {
        String h = rest.strip();
        if (h.startsWith("(") && h.endsWith(")")) {
            h = h.substring(1, h.length() - 1).strip();
        }
        return h.isEmpty() ? "" : " (" + h + ")";
    }

    /** The text after {@code prefix} and the quoted id that follows it. */
    private static String afterQuoted(String message, String prefix) {
        String rest = message.substring(prefix.length()).strip();
        if (rest.startsWith("\"")) {
            int close = rest.indexOf('"', 1);
            return close < 0 ? "" : rest.substring(close + 1);
        }
        return rest;
    }

    private static Optional<JsonNode> status(String body) {
        if (body == null || !body.contains("\"Status\"")) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(body);
            return n != null && n.path("kind").asText("").equals("Status") && n.path("apiVersion").asText("").equals("v1")
                    ? Optional.of(n) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

package dev.flagstep.metrics;

import dev.flagstep.kubernetes.ProxyError;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.BoundedBody;
import dev.flagstep.net.ClusterServiceException;
import dev.flagstep.net.RefusedAddressException;
import dev.flagstep.net.Route;
import dev.flagstep.net.ServiceRouter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The transport every HTTP metric provider shares: a public address goes out directly through the
 * {@link AddressGuard}, a cluster Service address through the API server's service proxy (as the
 * {@link ServiceRouter} says); answers are bounded ({@link BoundedBody#METRICS_LIMIT}), requests time out,
 * and proxy failures are told as such. Errors name the provider ({@code "datadog request to ... failed"}).
 */
final class ProviderHttp {

    /** java.net.http sets these itself and refuses them from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** A status and the body as text; a body past the bound is an error, never parsed half. */
    record Answer(int statusCode, String body) {

        /** Flagger's query rule for its SaaS providers: anything but 200 is "error response: <body>: <status>". */
        Answer ok() {
            if (statusCode != 200) {
                throw new MetricQueryException("error response: " + abbreviate(body) + ": " + statusCode);
            }
            return this;
        }

        /** Flagger's online checks: online iff 200, else "error response: <body>". */
        void online() {
            if (statusCode != 200) {
                throw new MetricQueryException("error response: " + abbreviate(body));
            }
        }
    }

    private final String provider;
    private final HttpClient http;
    private final Duration timeout;
    private final AddressGuard guard;
    private final ServiceRouter router;
    private final String namespace;

    /**
     * @param provider  the provider type, as errors name it
     * @param namespace the canary's namespace (where a one-label address such as {@code http://graphite} lives)
     */
    ProviderHttp(String provider, HttpClient http, Duration timeout, AddressGuard guard, ServiceRouter router, String namespace) {
        this.provider = provider;
        this.http = http;
        this.timeout = timeout;
        this.guard = guard;
        this.router = router;
        this.namespace = namespace;
    }

    /** How {@code url} is reached. */
    Route route(URI url) {
        try {
            return router.route(url, namespace);
        } catch (ClusterServiceException e) {
            throw new MetricQueryException(provider + " request to " + endpoint(url) + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Routes and sends {@code request} with {@code secretHeaders} (resolved from the provider's secret) added.
     * Through the proxy, the API server replaces {@code Authorization} with its own token, so a secret sent
     * that way cannot reach the backend: refused with a clear error. Other headers pass the proxy.
     */
    Answer exchange(String method, URI url, Map<String, String> headers, Optional<byte[]> body, Map<String, String> secretHeaders) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        headers.forEach((k, v) -> all.put(k, List.of(v)));
        secretHeaders.forEach((k, v) -> all.put(k, List.of(v)));
        return switch (route(url)) {
            case Route.Direct direct -> send(method, url, all, body, Optional.empty());
            case Route.Proxied proxied -> {
                if (secretHeaders.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("authorization"))) {
                    throw secretThroughProxy(origin(url), proxied);
                }
                yield send(method, url, all, body, Optional.of(proxied));
            }
        };
    }

    /** A GET with no secret. */
    Answer get(URI url, Map<String, String> secretHeaders) {
        return exchange("GET", url, Map.of(), Optional.empty(), secretHeaders);
    }

    /** The API server strips the Authorization header after authenticating: secret credentials cannot reach the backend. */
    static MetricQueryException secretThroughProxy(URI address, Route.Proxied proxied) {
        return new MetricQueryException("provider.secretRef cannot be used with a cluster Service address reached through "
                + "the API server proxy (" + address + " is Service " + proxied.service().shown()
                + "): remove secretRef, or use an address outside the cluster");
    }

    /** Sends directly (through the address guard), or to the API server when {@code proxied}. */
    Answer send(String method, URI url, Map<String, List<String>> headers, Optional<byte[]> body, Optional<Route.Proxied> proxied) {
        URI endpoint = endpoint(url);
        HttpRequest.Builder builder = HttpRequest.newBuilder(proxied.map(Route.Proxied::uri).orElse(url))
                .method(method, body.map(HttpRequest.BodyPublishers::ofByteArray)
                        .orElse(HttpRequest.BodyPublishers.noBody()))
                .timeout(timeout);
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            // proxied: the API server's token is the only credential (it strips any other Authorization)
            if (!RESTRICTED.contains(lower) && !(proxied.isPresent() && lower.equals("authorization"))) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        proxied.flatMap(Route.Proxied::authorization).ifPresent(a -> builder.header("Authorization", a));
        Optional<AddressGuard.Lease> lease;
        try {
            lease = proxied.isPresent() ? Optional.empty() : Optional.of(guard.lease(endpoint));
        } catch (RefusedAddressException e) {
            throw new MetricQueryException(provider + " request refused: " + e.getMessage(), e);
        }
        HttpClient client = proxied.map(Route.Proxied::http).orElse(http);
        try {
            HttpResponse<BoundedBody> response = client.send(builder.build(), BoundedBody.handler(BoundedBody.METRICS_LIMIT));
            if (response.body().truncated()) {
                throw new MetricQueryException(provider + " answer from " + endpoint + " is larger than "
                        + BoundedBody.METRICS_LIMIT + " bytes; refused");
            }
            String text = new String(response.body().bytes(), StandardCharsets.UTF_8);
            if (proxied.isPresent() && response.statusCode() >= 400) {
                ProxyError.of(response.statusCode(), text, proxied.get().service()).ifPresent(e -> {
                    throw new MetricQueryException(provider + " request to " + endpoint + " failed: " + e.message());
                });
            }
            return new Answer(response.statusCode(), text);
        } catch (HttpTimeoutException e) {
            throw new MetricQueryException(provider + " request to " + endpoint + " timed out after " + timeout.toMillis() + "ms", e);
        } catch (IOException e) {
            Optional<String> refusal = lease.flatMap(AddressGuard.Lease::refusal);
            if (refusal.isPresent()) {
                throw new MetricQueryException(provider + " request refused: " + refusal.get(), e);
            }
            throw new MetricQueryException(provider + " request to " + endpoint
                    + proxied.map(p -> " through the Kubernetes API server").orElse("") + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetricQueryException(provider + " request to " + endpoint + " interrupted", e);
        } finally {
            lease.ifPresent(AddressGuard.Lease::close);
        }
    }

    /**
     * Opens a WebSocket to {@code url} ({@code ws} or {@code wss}) directly, under the address guard. A stream
     * cannot pass the API server's service proxy, so an address naming a cluster Service is refused.
     */
    java.net.http.WebSocket webSocket(URI url, java.net.http.WebSocket.Listener listener) {
        URI asHttp = URI.create(url.toString().replaceFirst("^ws", "http"));
        if (route(asHttp) instanceof Route.Proxied proxied) {
            throw new MetricQueryException(provider + " stream " + endpoint(url) + " is cluster Service " + proxied.service().shown()
                    + ": a WebSocket cannot pass the API server's service proxy; use an address outside the cluster");
        }
        AddressGuard.Lease lease;
        try {
            lease = guard.lease(endpoint(asHttp));
        } catch (RefusedAddressException e) {
            throw new MetricQueryException(provider + " request refused: " + e.getMessage(), e);
        }
        try {
            return http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(url, listener)
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new MetricQueryException(provider + " connection to " + endpoint(url) + " timed out after " + timeout.toMillis() + "ms", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Optional<String> refusal = lease.refusal();
            if (refusal.isPresent()) {
                throw new MetricQueryException(provider + " request refused: " + refusal.get(), e);
            }
            throw new MetricQueryException("could not connect Signalflow websocket: " + endpoint(url) + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetricQueryException(provider + " connection to " + endpoint(url) + " interrupted", e);
        } finally {
            lease.close();
        }
    }

    Duration timeout() {
        return timeout;
    }

    /** The URL without its query: what errors name (a query may be long, and may carry a key). */
    static URI endpoint(URI url) {
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + Optional.ofNullable(url.getRawPath()).orElse(""));
    }

    private static URI origin(URI url) {
        return URI.create(url.getScheme() + "://" + url.getRawAuthority());
    }

    /** A required {@code address} (Graphite, InfluxDB): Flagger's "<type> address  is not a valid URL" when it is missing. */
    static URI requiredAddress(String provider, Optional<String> address) {
        return address(provider, address.filter(a -> !a.isBlank())
                .orElseThrow(() -> new MetricQueryException(provider + " address  is not a valid URL")));
    }

    /** {@code path.Join(address.Path, path)} on the address's origin: a trailing slash of the address does not double. */
    static URI under(URI address, String path) {
        String prefix = Optional.ofNullable(address.getRawPath()).orElse("").replaceAll("/+$", "");
        return URI.create(address.getScheme() + "://" + address.getRawAuthority() + prefix + path);
    }

    /** A provider {@code address}: an absolute http(s) URL, else Flagger's "is not a valid URL". */
    static URI address(String provider, String text) {
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (java.net.URISyntaxException e) {
            throw new MetricQueryException(provider + " address " + text + " is not a valid URL: " + e.getReason());
        }
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new MetricQueryException(provider + " address " + text + " is not a valid URL");
        }
        return uri;
    }

    /** One line, at most 300 characters: for bodies quoted in errors. */
    static String abbreviate(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }
}

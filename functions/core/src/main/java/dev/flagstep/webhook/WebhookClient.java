package dev.flagstep.webhook;

import dev.flagstep.kubernetes.ProxyError;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.BoundedBody;
import dev.flagstep.net.ClusterServiceException;
import dev.flagstep.net.RefusedAddressException;
import dev.flagstep.net.Route;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.spec.Webhook;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls one webhook the way Flagger's {@code CallWebhook} does (go-retryablehttp over Go's
 * http.Client), so receivers written for Flagger see the same requests and Flagger's users see the
 * same outcomes:
 * <ul>
 * <li>POST, {@code Content-Type: application/json}, the payload's Go-exact bytes;</li>
 * <li>pass = no transport error and status <= 202; anything else fails, 203 and unfollowed 3xx too;</li>
 * <li>the failure message is the response body, except when a retried status or transport error ran
 *     out of attempts: then it is {@code POST {url} giving up after {n} attempt(s)} (+ {@code : cause});</li>
 * <li>{@code retries} extra attempts on transport errors, 429 and 5xx but 501, waiting 1s*2^i (max 30s)
 *     or Retry-After on 429/503;</li>
 * <li>the hook's timeout bounds each attempt, redirects and the response body included
 *     (Go's {@code http.Client.Timeout}); redirects are followed as Go does, at most 10 requests.</li>
 * </ul>
 * Beyond Flagger, for safety: every hop's address passes the {@link AddressGuard} first (a refused
 * address is a final failure, never retried); at most {@link BoundedBody#WEBHOOK_LIMIT} bytes of a
 * response are read; a signed body carries {@code X-Flagstep-Signature: t=..,v1=..} (fresh for each
 * attempt, from the injected clock), and only to the hook's own origin: a redirect to another scheme,
 * host or port (https to http included) is followed without it.
 * <p>URLs that name a cluster Service go through the Kubernetes API server's service proxy (the
 * {@link ServiceRouter} decides, per hop, with the canary's namespace from the payload): the same bytes,
 * timeout, retries and {@code <= 202} rule, the API server's bearer token instead of URL credentials, no
 * address check (the destination is the API server), and errors of the proxy itself named
 * ({@link ProxyError}). A redirect from a proxied receiver is followed from its cluster URL. When the API
 * server itself cannot be reached or is overloaded, that is retried like a connection error and, if it
 * is the last attempt's result, marked {@link HookOutcome.Failed#apiUnavailable()}: flagstep's fault, not
 * the receiver's. Never throws: every failure is a {@link HookOutcome.Failed}. Thread-safe; share one per container.
 */
public final class WebhookClient {

    /** Go's default redirect policy stops at the 10th request. */
    static final int MAX_REQUESTS = 10;

    /** Direct hops need no connect-time registration when proxied: the API server is not a canary's choice. */
    private static final AddressGuard.Lease NO_LEASE = new AddressGuard.Lease() {
        @Override
        public Optional<String> refusal() {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    };

    private final AddressGuard guard;
    private final ServiceRouter router;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Supplier<HttpClient> verifying;
    private final Supplier<HttpClient> insecure;

    /** The local runtime's policy (loopback allowed), real waits and clock; the AWS wiring passes its own guard. */
    public WebhookClient() {
        this(Sleeper.REAL);
    }

    /** With a chosen wait between retries (tests record it instead of sleeping); the local runtime's policy. */
    public WebhookClient(Sleeper sleeper) {
        this(AddressGuard.local(), sleeper, Clock.systemUTC());
    }

    /**
     * Production: the container-wide HTTP clients.
     *
     * @param guard where hooks may point ({@link AddressGuard#aws} in Lambda, {@link AddressGuard#local} locally)
     * @param clock the signature timestamps' clock
     */
    public WebhookClient(AddressGuard guard, Sleeper sleeper, Clock clock) {
        this(guard, ServiceRouter.direct(), sleeper, clock);
    }

    /**
     * Production, reaching cluster Services as {@code router} says ({@code ServiceProxy} in proxy mode,
     * {@link ServiceRouter#direct()} when off).
     */
    public WebhookClient(AddressGuard guard, ServiceRouter router, Sleeper sleeper, Clock clock) {
        this(guard, router, sleeper, clock, HttpClients::verifying, HttpClients::insecure);
    }

    WebhookClient(Sleeper sleeper, Supplier<HttpClient> verifying, Supplier<HttpClient> insecure) {
        this(AddressGuard.local(), sleeper, Clock.systemUTC(), verifying, insecure);
    }

    WebhookClient(AddressGuard guard, Sleeper sleeper, Clock clock, Supplier<HttpClient> verifying, Supplier<HttpClient> insecure) {
        this(guard, ServiceRouter.direct(), sleeper, clock, verifying, insecure);
    }

    WebhookClient(AddressGuard guard, ServiceRouter router, Sleeper sleeper, Clock clock, Supplier<HttpClient> verifying,
            Supplier<HttpClient> insecure) {
        this.guard = guard;
        this.router = router;
        this.clock = clock;
        this.sleeper = sleeper;
        this.verifying = verifying;
        this.insecure = insecure;
    }

    /** Calls {@code hook} with {@code payload}, unsigned, as Flagger does. */
    public HookOutcome call(Webhook hook, WebhookPayload payload) {
        return call(hook, payload, Optional.empty());
    }

    /** Calls {@code hook} with {@code payload}, signed with {@code secret} if one is given. */
    public HookOutcome call(Webhook hook, WebhookPayload payload, Optional<SigningSecret> secret) {
        long start = System.nanoTime();
        byte[] body = payload.toJson();
        HttpClient http = hook.disableTLS() ? insecure.get() : verifying.get();
        int maxAttempts = 1 + Math.max(0, hook.retries());
        for (int attempt = 1; ; attempt++) {
            // signed per attempt: a retry minutes later carries a fresh timestamp
            Optional<String> signature = secret.map(s -> s.sign(clock.instant().getEpochSecond(), body));
            Attempt result = attemptOnce(http, hook, payload.namespace(), body, signature);
            switch (result) {
                case Attempt.Answered a when a.status() <= 202 ->
                        { return new HookOutcome.Passed(hook, a.status(), a.body().text(), attempt, since(start)); }
                case Attempt.Answered a when !Backoff.retryableStatus(a.status()) ->
                        { return failed(hook, OptionalInt.of(a.status()), a.body().text(), attempt, start); }
                case Attempt.Refused r ->
                        { return failed(hook, OptionalInt.empty(), r.reason(), attempt, start); }
                case Attempt.ProxyFailed p when !p.retryable() ->
                        { return failed(hook, OptionalInt.of(p.status()), p.message(), attempt, start); }
                case Attempt.BodyUnreadable b ->
                        { return failed(hook, OptionalInt.of(b.status()), "error reading body: " + b.cause(), attempt, start); }
                case Attempt.TransportError t when !t.retryable() ->
                        { return failed(hook, OptionalInt.empty(), givingUp(hook.url(), attempt) + ": " + t.cause(), attempt, start); }
                case Attempt.Interrupted i ->
                        { return failed(hook, OptionalInt.empty(), "POST " + redact(hook.url()) + " interrupted", attempt, start); }
                default -> {
                    // retryable: a 429/5xx answer or a transport error; handled below
                }
            }
            OptionalInt status = switch (result) {
                case Attempt.Answered a -> OptionalInt.of(a.status());
                case Attempt.ProxyFailed p -> OptionalInt.of(p.status());
                case Attempt.ApiUnavailable u -> u.status();
                default -> OptionalInt.empty();
            };
            if (attempt >= maxAttempts) {
                // go-retryablehttp drops the body of a retried status; only transport errors keep a cause
                // (and the proxy's own errors, which say what a connection error would say in the cluster).
                String cause = switch (result) {
                    case Attempt.TransportError t -> ": " + t.cause();
                    case Attempt.ProxyFailed p -> ": " + p.message();
                    case Attempt.ApiUnavailable u -> ": " + u.cause();
                    default -> "";
                };
                return new HookOutcome.Failed(hook, status, givingUp(hook.url(), attempt) + cause, attempt, since(start),
                        result instanceof Attempt.ApiUnavailable);
            }
            Optional<String> retryAfter = switch (result) {
                case Attempt.Answered a -> a.retryAfter();
                case Attempt.ProxyFailed p -> p.retryAfter();
                case Attempt.ApiUnavailable u -> u.retryAfter();
                default -> Optional.empty();
            };
            try {
                sleeper.sleep(Backoff.wait(attempt - 1, status.orElse(0), retryAfter, clock.instant()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed(hook, status, "POST " + redact(hook.url()) + " interrupted", attempt, start);
            }
        }
    }

    /** One HTTP attempt, redirects included, within the hook's timeout. */
    private Attempt attemptOnce(HttpClient direct, Webhook hook, String namespace, byte[] body, Optional<String> signature) {
        // Go: a zero timeout means none (CRD allows "0s"); the connect timeout still bounds dialing.
        Optional<Long> deadline = hook.timeout().isPositive()
                ? Optional.of(System.nanoTime() + hook.timeout().toNanos()) : Optional.empty();
        URI target = hook.url();
        boolean post = true;
        Optional<URI> referer = Optional.empty();
        for (int requestNo = 1; ; requestNo++) {
            // the signature is for the hook's receiver only: never forwarded to another origin
            Optional<String> signed = sameOrigin(hook.url(), target) ? signature : Optional.empty();
            Route route;
            try {
                route = router.route(target, namespace);
            } catch (ClusterServiceException e) {
                if (e.apiUnavailable()) {
                    return new Attempt.ApiUnavailable(OptionalInt.empty(), e.getMessage(), Optional.empty());
                }
                return e.retryable() ? new Attempt.TransportError(urlError(target, e.getMessage()), true)
                        : new Attempt.Refused(e.getMessage());
            }
            Optional<Route.Proxied> proxied = route instanceof Route.Proxied p ? Optional.of(p) : Optional.empty();
            // proxied: to the API server, with its token instead of the URL's credentials (it would strip them)
            URI destination = proxied.map(Route.Proxied::uri).orElse(target);
            Optional<String> authorization = proxied.isPresent() ? proxied.get().authorization() : basicAuth(target);
            HttpClient http = proxied.map(Route.Proxied::http).orElse(direct);
            HttpRequest request;
            try {
                request = request(destination, post ? Optional.of(body) : Optional.empty(), signed, referer, authorization);
            } catch (IllegalArgumentException e) {
                // Go: "unsupported protocol scheme" and malformed URLs are not retried.
                return new Attempt.TransportError(urlError(target, "unsupported protocol scheme \""
                        + Optional.ofNullable(target.getScheme()).orElse("") + "\""), false);
            }
            AtomicReference<HttpResponse.ResponseInfo> headers = new AtomicReference<>();
            HttpResponse.BodyHandler<BoundedBody> bounded = BoundedBody.handler(BoundedBody.WEBHOOK_LIMIT);
            HttpResponse.BodyHandler<BoundedBody> handler = info -> {
                headers.set(info);
                return bounded.apply(info);
            };
            // the address check resolves the host: within the attempt's deadline, as Go's dial is
            AttemptTimer timer = AttemptTimer.start(deadline);
            AddressGuard.Lease lease;
            try {
                lease = proxied.isPresent() ? NO_LEASE : guard.lease(target);
            } catch (RefusedAddressException e) {
                timer.finish();
                return new Attempt.Refused(e.getMessage());
            }
            HttpResponse<BoundedBody> response = null;
            Exception error = null;
            boolean timedOut;
            try (lease) {
                response = http.send(request, handler);
            } catch (InterruptedException | IOException | RuntimeException e) {
                error = e;
            } finally {
                // always, so that a timer can never interrupt this thread after the attempt
                timedOut = timer.finish();
            }
            if (response == null) {
                if (timedOut) {
                    return timedOut(headers.get(), target);
                }
                if (error instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return new Attempt.Interrupted();
                }
                if (lease.refusal().isPresent()) {
                    return new Attempt.Refused(lease.refusal().get());
                }
                TransportErrors.Failure failure = TransportErrors.describe(error, destination);
                if (route instanceof Route.Direct d && d.note().isPresent() && TransportErrors.unresolved(error)) {
                    failure = new TransportErrors.Failure(failure.cause() + " (" + d.note().get() + ")", failure.retryable());
                }
                if (error instanceof RuntimeException) {
                    failure = new TransportErrors.Failure(failure.cause(), false);
                }
                if (headers.get() != null) {
                    return afterHeaders(headers.get(), failure.cause());
                }
                if (proxied.isPresent() && failure.retryable()) {
                    // no answer at all from the API server (refused, dial timeout, its name unresolved, cut):
                    // its outage, not the Service's, and its address is not the Service's
                    return new Attempt.ApiUnavailable(OptionalInt.empty(),
                            ProxyError.unreachable(proxied.get().service(), failure.cause()), Optional.empty());
                }
                return new Attempt.TransportError(urlError(target, failure.cause()), failure.retryable());
            }
            int status = response.statusCode();
            Optional<String> location = isRedirect(status)
                    ? response.headers().firstValue("Location").filter(l -> !l.isEmpty()) : Optional.empty();
            if (location.isEmpty()) {
                Optional<String> retryAfter = response.headers().firstValue("Retry-After");
                if (proxied.isPresent() && status >= 400) {
                    Optional<ProxyError> proxyError = ProxyError.of(status, response.body().text(), proxied.get().service());
                    if (proxyError.isPresent()) {
                        return new Attempt.ProxyFailed(status, proxyError.get().message(), proxyError.get().retryable(), retryAfter);
                    }
                    Optional<String> apiDown = ProxyError.apiUnavailable(status, response.body().text(), proxied.get().service());
                    if (apiDown.isPresent()) {
                        return new Attempt.ApiUnavailable(OptionalInt.of(status), apiDown.get(), retryAfter);
                    }
                }
                // Go returns a 3xx without Location as it is (and it then fails as > 202).
                return new Attempt.Answered(status, response.body(), retryAfter);
            }
            URI next;
            try {
                next = proxied.isPresent() ? proxied.get().follow(target, location.get()) : target.resolve(new URI(location.get()));
            } catch (URISyntaxException | IllegalArgumentException e) {
                return new Attempt.TransportError(urlError(target,
                        "failed to parse Location header \"" + location.get() + "\": " + e.getMessage()), true);
            }
            if (requestNo >= MAX_REQUESTS) {
                return new Attempt.TransportError(urlError(next, "stopped after 10 redirects"), false);
            }
            // Go (and browsers): 301/302/303 turn a POST into a GET without body; 307/308 repeat it.
            post = post && (status == 307 || status == 308);
            referer = "https".equalsIgnoreCase(target.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())
                    ? Optional.empty() : Optional.of(target);
            target = next;
        }
    }

    /** Go's Client.Timeout texts, before and after the response headers arrived. */
    private static Attempt timedOut(HttpResponse.ResponseInfo headers, URI target) {
        if (headers == null) {
            return new Attempt.TransportError(urlError(target,
                    "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"), true);
        }
        return afterHeaders(headers,
                "context deadline exceeded (Client.Timeout or context cancellation while reading body)");
    }

    /** The body failed after the status line arrived: Go drains and retries a retryable status, else fails. */
    private static Attempt afterHeaders(HttpResponse.ResponseInfo info, String cause) {
        if (Backoff.retryableStatus(info.statusCode())) {
            return new Attempt.Answered(info.statusCode(), new BoundedBody(new byte[0], false, BoundedBody.WEBHOOK_LIMIT),
                    info.headers().firstValue("Retry-After"));
        }
        return new Attempt.BodyUnreadable(info.statusCode(), cause);
    }

    private static HttpRequest request(URI target, Optional<byte[]> body, Optional<String> signature, Optional<URI> referer,
            Optional<String> authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target)
                // Go speaks HTTP/1.1 to http:// (no h2c upgrade headers) and negotiates h2 over TLS.
                .version("https".equalsIgnoreCase(target.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json");
        signature.ifPresent(s -> b.header(SigningSecret.HEADER, s));
        authorization.ifPresent(auth -> b.header("Authorization", auth));
        referer.ifPresent(r -> b.header("Referer", withoutUserInfo(r)));
        body.ifPresentOrElse(
                bytes -> b.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                () -> b.GET());
        return b.build();
    }

    /**
     * Go's client turns credentials in the URL ({@code https://user:pass@host/}) into Basic auth;
     * with no auth options in Flagger's spec, that is how some receivers are protected.
     */
    private static Optional<String> basicAuth(URI target) {
        String userInfo = target.getUserInfo();
        if (userInfo == null) {
            return Optional.empty();
        }
        String credentials = userInfo.contains(":") ? userInfo : userInfo + ":";
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    /** Same scheme, host and port: the only place a signature may go. */
    static boolean sameOrigin(URI hook, URI target) {
        return hook.getScheme() != null && hook.getScheme().equalsIgnoreCase(target.getScheme())
                && hook.getHost() != null && hook.getHost().equalsIgnoreCase(target.getHost())
                && effectivePort(hook) == effectivePort(target);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static HookOutcome.Failed failed(Webhook hook, OptionalInt status, String message, int attempts, long start) {
        return new HookOutcome.Failed(hook, status, message, attempts, since(start));
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** go-retryablehttp's final error, with its URL redaction. */
    static String givingUp(URI url, int attempts) {
        return "POST " + redact(url) + " giving up after " + attempts + " attempt(s)";
    }

    /** Go's url.Error text: {@code Post "url": cause} (the password shown as ***). */
    private static String urlError(URI url, String cause) {
        String shown = replacePassword(url, "***").replace("\\", "\\\\").replace("\"", "\\\"");
        return "Post \"" + shown + "\": " + cause;
    }

    private static String redact(URI url) {
        return replacePassword(url, "xxxxx");
    }

    private static String replacePassword(URI url, String mask) {
        String userInfo = url.getRawUserInfo();
        if (userInfo == null || !userInfo.contains(":")) {
            return url.toString();
        }
        String masked = userInfo.substring(0, userInfo.indexOf(':') + 1) + mask;
        return url.toString().replaceFirst(Pattern.quote(userInfo + "@"),
                Matcher.quoteReplacement(masked + "@"));
    }

    private static String withoutUserInfo(URI url) {
        String userInfo = url.getRawUserInfo();
        return userInfo == null ? url.toString() : url.toString().replaceFirst(
                Pattern.quote(userInfo + "@"), "");
    }

    /** What one attempt came to, before the retry decision. */
    private sealed interface Attempt {
        record Answered(int status, BoundedBody body, Optional<String> retryAfter) implements Attempt {
        }

        /** An error of the API server's service proxy, named; retried when a connection error would be. */
        record ProxyFailed(int status, String message, boolean retryable, Optional<String> retryAfter) implements Attempt {
        }

        /** The address guard refused this hop (or it cannot be routed): final, never retried. */
        record Refused(String reason) implements Attempt {
        }

        record TransportError(String cause, boolean retryable) implements Attempt {
        }

        /**
         * A proxied hop the Kubernetes API server could not take: unreachable, or a 5xx/429 Status of its own
         * that {@link ProxyError} does not name. Retried like a connection error; if it is still so at the
         * end, the outcome says so ({@link HookOutcome.Failed#apiUnavailable()}).
         */
        record ApiUnavailable(OptionalInt status, String cause, Optional<String> retryAfter) implements Attempt {
        }

        /** Status received but the body could not be read (timeout, reset): final, as in Flagger. */
        record BodyUnreadable(int status, String cause) implements Attempt {
        }

        record Interrupted() implements Attempt {
        }
    }
}

package dev.flagstep.notifier;

import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.BoundedBody;
import dev.flagstep.net.ClusterServiceException;
import dev.flagstep.net.RefusedAddressException;
import dev.flagstep.net.Route;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.webhook.Backoff;
import dev.flagstep.webhook.Sleeper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Flagger's {@code postMessage}: POST the body as {@code application/json}, {@code Authorization: Bearer} when a
 * token is given, through the provider's {@code proxy} when set, 5 seconds per attempt, success on 2xx. Beyond
 * Flagger, since an alert must never cost a release more than a few seconds: up to {@link Policy#attempts()}
 * attempts on connection errors, timeouts, 429 and 5xx (but 501), waiting 1 s, 2 s, ... or the receiver's
 * {@code Retry-After} on 429/503 up to {@link Policy#maxRetryAfter()}, and no attempt that could end past the
 * caller's deadline (not even the first).
 * Addresses pass the {@link AddressGuard} (the proxy's, when one is used); cluster Service URLs go through the
 * {@link ServiceRouter} as webhooks do. Redirects are not followed (a 3xx is a failure). Never throws.
 */
public final class AlertPoster {

    /**
     * @param timeout       one attempt, until the response's last byte (Flagger: 5 s)
     * @param attempts      attempts in all
     * @param maxRetryAfter the longest {@code Retry-After} honoured (a longer one is cut to it)
     */
    public record Policy(Duration timeout, int attempts, Duration maxRetryAfter) {
        public static Policy defaults() {
            return new Policy(Duration.ofSeconds(5), 3, Duration.ofSeconds(10));
        }
    }

    /** One POST: where, what, and how (token, proxy); {@code namespace} places one-label cluster hosts. */
    public record Post(URI address, byte[] body, Optional<String> token, Optional<URI> proxy, String namespace) {}

    /** How a post ended. */
    public sealed interface Result {
        int attempts();

        record Sent(int status, int attempts) implements Result {}

        /** {@code message} reads as Flagger's postMessage errors. */
        record Failed(String message, int attempts) implements Result {}
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);

    private final AddressGuard guard;
    private final ServiceRouter router;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Policy policy;
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    public AlertPoster(AddressGuard guard, ServiceRouter router, Sleeper sleeper, Clock clock, Policy policy) {
        this.guard = guard;
        this.router = router;
        this.sleeper = sleeper;
        this.clock = clock;
        this.policy = policy;
    }

    /** @param deadline no retry starts when its wait and attempt would end after this */
    public Result post(Post post, Instant deadline) {
        if (clock.instant().plus(policy.timeout()).isAfter(deadline)) {
            // the phase needs its last seconds to save its tick: an alert must not take them
            return new Result.Failed("sending notification failed to send: no time left in this phase's invocation", 0);
        }
        for (int attempt = 1; ; attempt++) {
            Attempt result = once(post);
            switch (result) {
                case Attempt.Answered a when a.status() >= 200 && a.status() < 300 -> {
                    return new Result.Sent(a.status(), attempt);
                }
                case Attempt.Answered a when !Backoff.retryableStatus(a.status()) -> {
                    return new Result.Failed(a.message(), attempt);
                }
                case Attempt.Final f -> {
                    return new Result.Failed(f.message(), attempt);
                }
                default -> {
                    // retryable
                }
            }
            Duration wait = wait(attempt, result);
            if (attempt >= policy.attempts()
                    || clock.instant().plus(wait).plus(policy.timeout()).isAfter(deadline)) {
                return new Result.Failed(result.message() + (attempt > 1 ? " (after " + attempt + " attempts)" : ""), attempt);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result.Failed(result.message() + " (interrupted)", attempt);
            }
        }
    }

    private Duration wait(int attempt, Attempt result) {
        if (result instanceof Attempt.Answered a && (a.status() == 429 || a.status() == 503)) {
            Optional<Duration> asked = a.retryAfter().flatMap(v -> Backoff.parseRetryAfter(v, clock.instant()));
            if (asked.isPresent()) {
                return asked.get().compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : asked.get();
            }
        }
        return FIRST_WAIT.multipliedBy(1L << Math.min(attempt - 1, 10));
    }

    private Attempt once(Post post) {
        Route route;
        try {
            route = router.route(post.address(), post.namespace());
        } catch (ClusterServiceException e) {
            return e.retryable() ? new Attempt.Retryable(failedToSend(e.getMessage())) : new Attempt.Final(failedToSend(e.getMessage()));
        }
        HttpRequest.Builder request;
        HttpClient http;
        URI checked;
        if (route instanceof Route.Proxied p) {
            // to the API server, with its token (a provider token cannot ride along: the API server takes the header)
            request = builder(p.uri(), post.body());
            p.authorization().ifPresent(a -> request.header("Authorization", a));
            http = p.http();
            checked = null;
        } else {
            request = builder(post.address(), post.body());
            post.token().filter(t -> !t.isEmpty()).ifPresent(t -> request.header("Authorization", "Bearer " + t));
            http = client(post.proxy());
            checked = post.proxy().orElse(post.address());
        }
        AddressGuard.Lease lease;
        try {
            lease = checked == null ? null : guard.lease(checked);
        } catch (RefusedAddressException e) {
            return new Attempt.Final(failedToSend(e.getMessage()));
        }
        CompletableFuture<HttpResponse<BoundedBody>> sent;
        try {
            sent = http.sendAsync(request.build(), BoundedBody.handler(BoundedBody.WEBHOOK_LIMIT));
        } catch (IllegalArgumentException e) {
            if (lease != null) lease.close();
            return new Attempt.Final(failedToSend(e.getMessage()));
        }
        try {
            HttpResponse<BoundedBody> response = sent.get(policy.timeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            int status = response.statusCode();
            return new Attempt.Answered(status, "sending notification bad response " + status + ": " + response.body().text(),
                    response.headers().firstValue("Retry-After"));
        } catch (TimeoutException e) {
            sent.cancel(true);
            return new Attempt.Retryable(failedToSend("context deadline exceeded (Client.Timeout exceeded while awaiting headers)"));
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            return new Attempt.Final(failedToSend("interrupted"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (lease != null && lease.refusal().isPresent()) {
                return new Attempt.Final(failedToSend(lease.refusal().get()));
            }
            String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return cause instanceof IOException ? new Attempt.Retryable(failedToSend(text)) : new Attempt.Final(failedToSend(text));
        } finally {
            if (lease != null) lease.close();
        }
    }

    private static String failedToSend(String cause) {
        return "sending notification failed to send: " + cause;
    }

    private static HttpRequest.Builder builder(URI target, byte[] body) {
        return HttpRequest.newBuilder(target)
                .version("https".equalsIgnoreCase(target.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** One client per proxy (and one without), built on first use and kept for the container's life. */
    private HttpClient client(Optional<URI> proxy) {
        String key = proxy.map(p -> p.getHost() + ":" + port(p)).orElse("");
        return clients.computeIfAbsent(key, k -> {
            HttpClient.Builder b = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(CONNECT_TIMEOUT);
            proxy.ifPresent(p -> b.proxy(ProxySelector.of(InetSocketAddress.createUnresolved(p.getHost(), port(p)))));
            return b.build();
        });
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private sealed interface Attempt {
        String message();

        record Answered(int status, String message, Optional<String> retryAfter) implements Attempt {}

        record Retryable(String message) implements Attempt {}

        record Final(String message) implements Attempt {}
    }
}

package dev.flagstep.webhook;

import dev.flagstep.kubernetes.Tls;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The two JDK HTTP clients, each built once per container (Lambda execution environment) and shared:
 * building one costs a selector thread and TLS setup, and reuse keeps connections alive across calls.
 * The insecure one (for {@code disableTLS} hooks) is only built if such a hook exists.
 */
final class HttpClients {

    /** Go's default dialer timeout; the per-attempt hook timeout usually cuts in first. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private HttpClients() {
    }

    static HttpClient verifying() {
        return Verifying.CLIENT;
    }

    static HttpClient insecure() {
        return Insecure.CLIENT;
    }

    // Holder classes: initialised on first use, exactly once, without locks on the hot path.
    private static final class Verifying {
        static final HttpClient CLIENT = builder().build();
    }

    private static final class Insecure {
        static final HttpClient CLIENT = builder().sslContext(Tls.insecure()).build();
    }

    private static HttpClient.Builder builder() {
        // Redirects are followed by WebhookClient itself, to get Go's limit and deadline; see there.
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT);
    }
}

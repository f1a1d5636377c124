package dev.flagstep.webhook;

import java.net.Socket;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

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
        static final HttpClient CLIENT = builder().sslContext(trustAll()).build();
    }

    private static HttpClient.Builder builder() {
        // Redirects are followed by WebhookClient itself, to get Go's limit and deadline; see there.
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT);
    }

    /**
     * Go's {@code InsecureSkipVerify}: no chain and no host name check. It must be an
     * X509ExtendedTrustManager: the JDK wraps a plain X509TrustManager in one that still checks the
     * host name against the certificate.
     */
    private static SSLContext trustAll() {
        TrustManager trustAll = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS context for disableTLS hooks", e);
        }
    }
}

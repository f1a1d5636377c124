package dev.flagstep.webhook;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;

/**
 * Turns a Java transport exception into the text Go's HTTP client would have produced for the same
 * failure, and whether go-retryablehttp retries it. Users see these texts in events and alerts
 * ("... giving up after 1 attempt(s): Post "http://...": dial tcp ...: connect: connection refused"),
 * so an operator's runbook keyed on Flagger's wording keeps working. Certificate errors are not retried.
 */
final class TransportErrors {

    record Failure(String cause, boolean retryable) {
    }

    private TransportErrors() {
    }

    /** The host's name did not resolve (Go: "no such host"). */
    static boolean unresolved(Throwable error) {
        return find(error, UnresolvedAddressException.class, UnknownHostException.class).isPresent();
    }

    static Failure describe(Throwable error, URI target) {
        String hostPort = hostPort(target);
        Optional<Throwable> cert = find(error, CertificateException.class, CertPathBuilderException.class,
                CertPathValidatorException.class);
        if (cert.isPresent() || find(error, SSLHandshakeException.class).filter(TransportErrors::isCertMessage).isPresent()) {
            return new Failure("tls: failed to verify certificate: " + x509(error, cert, target), false);
        }
        if (find(error, HttpConnectTimeoutException.class).isPresent()) {
            return new Failure("dial tcp " + hostPort + ": i/o timeout", true);
        }
        if (find(error, UnresolvedAddressException.class, UnknownHostException.class).isPresent()) {
            return new Failure("dial tcp: lookup " + target.getHost() + ": no such host", true);
        }
        Optional<Throwable> connect = find(error, ConnectException.class);
        if (connect.isPresent()) {
            String detail = messages(error).toLowerCase(Locale.ROOT);
            return new Failure("dial tcp " + hostPort + ": connect: "
                    + (detail.contains("refused") || detail.isEmpty() ? "connection refused" : firstMessage(error)), true);
        }
        String all = messages(error);
        if (all.contains("Connection reset")) {
            return new Failure("read: connection reset by peer", true);
        }
        if (find(error, EOFException.class).isPresent() || all.contains("received no bytes")
                || all.contains("EOF reached") || all.contains("closed locally")) {
            return new Failure("EOF", true);
        }
        return new Failure(firstMessage(error), true);
    }

    private static String x509(Throwable error, Optional<Throwable> cert, URI target) {
        if (find(error, CertificateExpiredException.class, CertificateNotYetValidException.class).isPresent()) {
            return "x509: certificate has expired or is not yet valid";
        }
        if (find(error, CertPathBuilderException.class).isPresent() || messages(error).contains("PKIX path")) {
            return "x509: certificate signed by unknown authority";
        }
        String all = messages(error);
        if (all.contains("No subject alternative") || all.contains("No name matching")) {
            return "x509: certificate is not valid for " + target.getHost();
        }
        return "x509: " + cert.map(TransportErrors::firstMessage).orElse(firstMessage(error));
    }

    private static boolean isCertMessage(Throwable t) {
        String m = messages(t);
        return m.contains("PKIX") || m.contains("certificate") || m.contains("subject alternative");
    }

    @SafeVarargs
    private static Optional<Throwable> find(Throwable error, Class<? extends Throwable>... types) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                all.append(t.getMessage()).append(' ');
            }
        }
        return all.toString().trim();
    }

    private static String firstMessage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return error.getClass().getSimpleName();
    }

    private static String hostPort(URI target) {
        int port = target.getPort() >= 0 ? target.getPort() : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        String host = target.getHost() == null ? "" : target.getHost();
        return host + ":" + port;
    }
}

package dev.flagstep.local.cli.remote;

import java.util.List;

/**
 * Why a call to the API gave no answer to use: the API refused it (a problem document, exit 1), or it could not
 * be reached or would not take our credentials (exit 3). Printed as its lines, never as a stack trace.
 */
public abstract sealed class ApiFailure extends RuntimeException {

    /** Exit code: the API refused, the canary is unknown, a rollout failed. */
    public static final int REFUSED = 1;
    /** Exit code: no connection, no credentials, or the API refused them (401/403). */
    public static final int UNREACHABLE = 3;

    private ApiFailure(String message) {
        super(message, null, false, false);
    }

    public abstract int exitCode();

    /** What to print, one line each (after the "flagstep: " prefix on the first). */
    public abstract List<String> lines();

    /** An RFC 9457 problem (or a gateway's {@code {"message"}}): its title, detail and each invalid field. */
    public static final class Refused extends ApiFailure {
        private final int status;
        private final String title;
        private final String detail;
        private final List<FieldError> errors;

        public Refused(int status, String title, String detail, List<FieldError> errors) {
            super(title + ": " + detail);
            this.status = status;
            this.title = title;
            this.detail = detail;
            this.errors = List.copyOf(errors);
        }

        public int status() {
            return status;
        }

        public String title() {
            return title;
        }

        public String detail() {
            return detail;
        }

        public List<FieldError> errors() {
            return errors;
        }

        /** 401 and 403 are API Gateway refusing the signature or the caller's IAM policy: a setup problem. */
        @Override
        public int exitCode() {
            return status == 401 || status == 403 ? UNREACHABLE : REFUSED;
        }

        @Override
        public List<String> lines() {
            String head = title + " (" + status + ")" + (detail.isEmpty() ? "" : ": " + detail);
            return java.util.stream.Stream.concat(java.util.stream.Stream.of(head),
                    errors.stream().map(e -> "  " + e.path() + ": " + e.message())).toList();
        }
    }

    /** No connection, a timeout, no credentials: one line saying what and where. */
    public static final class Unreachable extends ApiFailure {
        public Unreachable(String message) {
            super(message);
        }

        @Override
        public int exitCode() {
            return UNREACHABLE;
        }

        @Override
        public List<String> lines() {
            return List.of(getMessage());
        }
    }

    /** An SDK exception's reason on one line: its first line, without the list of every credentials provider tried. */
    static String reason(Exception e) {
        String s = e.getMessage();
        if (s == null) {
            return e.getClass().getSimpleName();
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        int chain = line.indexOf(" AwsCredentialsProviderChain(");
        return chain < 0 ? line : line.substring(0, chain);
    }

    /** One problem of an invalid canary document. */
    public record FieldError(String path, String message) {}
}

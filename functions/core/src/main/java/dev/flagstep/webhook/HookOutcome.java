package dev.flagstep.webhook;

import dev.flagstep.spec.Webhook;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * What one webhook call came to, after its retries. A value, never an exception: the phase handlers
 * turn it into failed checks, gates and events, and the message goes into event texts such as
 * "Halt podinfo.test advancement external check load-test failed {message}".
 */
public sealed interface HookOutcome {

    Webhook hook();

    /** The last HTTP status received, if any (none after a transport error). */
    OptionalInt statusCode();

    /** For a failure, Flagger's error text; for a pass, the response body (e.g. loadtester's command output). */
    String message();

    /** HTTP attempts made, 1 + retries used. */
    int attempts();

    /** Wall time of the whole call, retries and waits included. */
    Duration duration();

    default boolean passed() {
        return this instanceof Passed;
    }

    /** Status <= 202 with no transport error. */
    record Passed(Webhook hook, int status, String body, int attempts, Duration duration) implements HookOutcome {
        @Override
        public OptionalInt statusCode() {
            return OptionalInt.of(status);
        }

        @Override
        public String message() {
            return body;
        }
    }

    /**
     * Anything else: a status above 202, a transport error, a timeout, or retries exhausted.
     *
     * @param apiUnavailable the last attempt went through the Kubernetes API server's service proxy and the
     *                       API server itself could not be reached or was overloaded (not the receiver's
     *                       answer): a flagstep infrastructure fault, retried with the phase, not a failed hook
     */
    record Failed(Webhook hook, OptionalInt statusCode, String message, int attempts, Duration duration,
            boolean apiUnavailable) implements HookOutcome {

        /** A failure of the receiver (or of the route to it). */
        public Failed(Webhook hook, OptionalInt statusCode, String message, int attempts, Duration duration) {
            this(hook, statusCode, message, attempts, duration, false);
        }
    }
}

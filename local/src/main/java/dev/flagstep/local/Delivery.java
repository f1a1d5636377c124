package dev.flagstep.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.asl.TaskFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * One invocation of a phase function by the local runtime, as Lambda runs it: the function, its
 * payload and its deadline (now plus the function's Timeout of template.yaml, on the runtime's clock).
 * Fault tests reach the delivery running on the current thread ({@link #current()}) to stall it or to
 * have Lambda kill it, as a timeout or an out-of-memory crash does: no more of its code runs.
 */
public final class Delivery {

    private static final ThreadLocal<Delivery> CURRENT = new ThreadLocal<>();

    /** How a killed delivery ends its task: Lambda's error, at once or once the deadline has passed. */
    record Death(TaskFailure failure, boolean atDeadline) {}

    private final String function;
    private final JsonNode payload;
    private final Instant deadline;
    private final Clock clock;
    final CompletableFuture<Death> death = new CompletableFuture<>();

    Delivery(String function, JsonNode payload, Instant deadline, Clock clock) {
        this.function = function;
        this.payload = payload;
        this.deadline = deadline;
        this.clock = clock;
    }

    /** The delivery running on this thread, when a phase of the local runtime is. */
    public static Optional<Delivery> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** The phase function: {@code Initialize}, {@code Analysis}, ... */
    public String function() {
        return function;
    }

    public JsonNode payload() {
        return payload;
    }

    /** The canary's name, from the payload. */
    public String canary() {
        return payload.path("canary").path("name").asText();
    }

    public Instant deadline() {
        return deadline;
    }

    /**
     * Lambda kills the function at its timeout: this thread stops here for good, and the task fails
     * with {@code Sandbox.Timedout} once the deadline has passed on the runtime's clock.
     */
    public void timeOut() {
        die(new Death(new TaskFailure("Sandbox.Timedout", "Task timed out after "
                + Duration.between(clock.instant(), deadline).toSeconds() + " seconds"), true));
    }

    /**
     * The sandbox dies (out of memory, a crash of the runtime): this thread stops here for good and the
     * task fails at once with {@code errorType} (Step Functions reports such failures as {@code Lambda.Unknown}).
     */
    public void crash(String errorType, String cause) {
        die(new Death(new TaskFailure(errorType, cause), false));
    }

    /** Holds this delivery (a slow webhook, a long GC pause) until the runtime's clock reaches {@code until}. */
    public void stallUntil(Instant until) {
        while (clock.instant().isBefore(until)) {
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    private void die(Death how) {
        death.complete(how);
        while (true) { // nothing after a kill runs: the thread stays parked until the JVM ends
            LockSupport.park(this);
        }
    }

    /** Runs {@code body} as this delivery on the current thread. */
    <T> T run(java.util.function.Supplier<T> body) {
        CURRENT.set(this);
        try {
            return body.get();
        } finally {
            CURRENT.remove();
        }
    }
}

package dev.flagstep.asl;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Future;

/**
 * Every wait of an execution goes through here, so the CLI can run a canary faster than real time
 * ({@link #scaled}) and tests can run it with no waiting at all ({@link InstantClock}).
 *
 * <p>Two kinds of waiting are told apart. <em>Idle</em>: the workflow only waits (a Wait state, a
 * retry backoff, a task token); such waits are workflow time and a clock may compress or skip them.
 * <em>Running</em>: a function is computing and a TimeoutSeconds bounds it; the function takes the
 * real time it takes, so these bounds are real time.
 */
public interface AslClock {

    /** What Step Functions uses for "no timeout": a Task's default TimeoutSeconds. */
    Duration FOREVER = Duration.ofSeconds(99_999_999);

    /** Now in workflow time: context object times, history timestamps, Timestamp waits. */
    Instant now();

    /**
     * Blocks until {@code done} completes or {@code timeout} passes, whichever is first.
     *
     * @param timeout workflow time for idle waits, real time for running ones; {@link #FOREVER} for none
     * @param idle whether the workflow is only waiting (see the class comment)
     * @return true if {@code done} completed, false if the timeout passed
     */
    boolean await(Future<?> done, Duration timeout, boolean idle) throws InterruptedException;

    /** The wall clock, with idle waits divided by {@code speed} (1 is real time); the CLI's {@code --speed}. */
    static AslClock scaled(double speed) {
        return new ScaledClock(speed);
    }

    static AslClock system() {
        return scaled(1);
    }
}

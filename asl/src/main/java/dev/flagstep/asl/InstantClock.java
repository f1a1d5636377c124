package dev.flagstep.asl;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * A virtual clock for tests: an idle wait does not block but records the duration asked for and
 * moves {@link #now()} forward by it, as if the time had passed. Two exceptions keep this honest:
 * a running function is waited for in real time (time cannot jump while code runs), and an idle
 * wait with no timeout ({@link AslClock#FOREVER}) really blocks, since only another thread (say, a
 * sendTaskSuccess) can end it.
 */
public final class InstantClock implements AslClock {

    private Instant now;
    private final List<Duration> idleWaits = new ArrayList<>();

    public InstantClock(Instant start) {
        this.now = start;
    }

    public InstantClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    /** Every idle wait that was asked for, in order: Wait states, retry backoffs, task-token timeouts. */
    public synchronized List<Duration> idleWaits() {
        return List.copyOf(idleWaits);
    }

    @Override
    public boolean await(Future<?> done, Duration timeout, boolean idle) throws InterruptedException {
        if (idle && timeout.compareTo(FOREVER) < 0) {
            synchronized (this) {
                idleWaits.add(timeout);
                if (done.isDone()) {
                    return true;
                }
                if (timeout.isPositive()) {
                    now = now.plus(timeout);
                }
                return false;
            }
        }
        try {
            if (timeout.compareTo(FOREVER) >= 0) {
                done.get(); // no timer to arm and cancel: a Task's function is waited for on every step
            } else {
                done.get(Math.max(0, timeout.toNanos()), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        }
    }
}

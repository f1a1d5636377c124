package dev.flagstep.asl;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The wall clock, with idle waits (Wait states, backoffs, task-token timeouts) divided by a speed
 * factor. {@link #now()} stays the real time so history timestamps read as they happened. Timeouts
 * of running functions stay real time: a faster demo must not time out a slow webhook.
 */
final class ScaledClock implements AslClock {

    private final double idleSpeed;
    private final double runningSpeed;

    ScaledClock(double speed) {
        this(speed, 1);
    }

    /** Tests compress running timeouts too, so that a TimeoutSeconds of 1 takes a millisecond. */
    ScaledClock(double idleSpeed, double runningSpeed) {
        for (double speed : new double[] {idleSpeed, runningSpeed}) {
            if (!(speed > 0) || Double.isInfinite(speed)) {
                throw new IllegalArgumentException("speed must be a positive number, not " + speed);
            }
        }
        this.idleSpeed = idleSpeed;
        this.runningSpeed = runningSpeed;
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public boolean await(Future<?> done, Duration timeout, boolean idle) throws InterruptedException {
        long nanos = (long) (Math.max(0, timeout.toNanos()) / (idle ? idleSpeed : runningSpeed));
        try {
            done.get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return true;
        }
    }
}

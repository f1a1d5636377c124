package dev.flagstep.local.serve;

import dev.flagstep.sync.CanarySync;
import dev.flagstep.sync.SyncSummary;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code flagstep serve}'s stand-in for the sync Lambda's schedule: a pass at once, then one every
 * {@code interval} of the runtime's clock (so {@code --speed 10} runs a 60 s interval every 6 s of real time), one
 * pass at a time, as EventBridge Scheduler invokes {@code SyncFunction}.
 */
public final class SyncLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SyncLoop.class.getName());

    private final ScheduledExecutorService timer;
    private final AtomicReference<SyncSummary> last = new AtomicReference<>();

    private SyncLoop(CanarySync sync, Duration interval, double speed) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flagstep-cluster-sync");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, (long) (interval.toNanos() / speed));
        timer.scheduleWithFixedDelay(() -> {
            try {
                last.set(sync.runOnce());
            } catch (RuntimeException e) {
                // runOnce reports its own failures; this is a bug of ours, and the next pass must still run
                LOG.log(Level.WARNING, "cluster sync pass failed", e);
            }
        }, 0, period, TimeUnit.NANOSECONDS);
    }

    /** Starts the loop; {@code speed} is the runtime's ({@code --speed}). */
    public static SyncLoop start(CanarySync sync, Duration interval, double speed) {
        if (interval.isZero() || interval.isNegative()) throw new IllegalArgumentException("sync interval must be positive");
        return new SyncLoop(sync, interval, speed);
    }

    /** The summary of the last pass that ended. */
    public Optional<SyncSummary> lastPass() {
        return Optional.ofNullable(last.get());
    }

    /** No pass starts any more; one running is let finish (bounded), so no write is cut in the middle. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) timer.shutdownNow();
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

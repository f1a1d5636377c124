package dev.flagstep.webhook;

import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Bounds one blocking {@code HttpClient.send} (body included) by interrupting the calling thread at
 * the deadline; since JDK 16 an interrupted {@code send} cancels its exchange. Why not
 * {@code sendAsync(...).get(timeout)}: the public sendAsync completes through the common pool, an
 * extra thread hop that cost ~50us per call in bench/webhook.sh, and the request's own timeout
 * stops at the response headers, while Go's Client.Timeout also covers the body.
 *
 * <p>The interrupt is delivered under a lock the caller takes in {@link #finish()}, so a timer that
 * fires just as {@code send} returns never leaves a stray interrupt on the thread.
 */
final class AttemptTimer {

    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = timer();

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "flagstep-webhook-timeout");
                t.setDaemon(true);
                return t;
            });
            // most timers are cancelled; drop them from the queue at once
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    private final Thread caller = Thread.currentThread();
    private final Object guard = new Object();
    private final Optional<ScheduledFuture<?>> task;
    private boolean finished;
    private boolean fired;

    private AttemptTimer(Optional<Long> deadlineNanos) {
        this.task = deadlineNanos.map(deadline -> Holder.TIMER.schedule(
                this::fire, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
    }

    /** Starts a timer for the calling thread; no deadline means it never fires. */
    static AttemptTimer start(Optional<Long> deadlineNanos) {
        return new AttemptTimer(deadlineNanos);
    }

    /** The deadline passed (package-private so a test can fire it at a moment of its choosing). */
    void fire() {
        synchronized (guard) {
            if (!finished) {
                fired = true;
                caller.interrupt();
            }
        }
    }

    /** Timers scheduled and neither fired nor cancelled, all threads together: what a test checks is zero. */
    static int pending() {
        return Holder.TIMER.getQueue().size();
    }

    /**
     * Stops the timer (call once, from the calling thread, when send returned or threw).
     *
     * @return whether the deadline passed first; its interrupt has then been cleared
     */
    boolean finish() {
        boolean timedOut;
        synchronized (guard) {
            finished = true;
            timedOut = fired;
            if (timedOut) {
                Thread.interrupted();
            }
        }
        task.ifPresent(t -> t.cancel(false));
        return timedOut;
    }
}

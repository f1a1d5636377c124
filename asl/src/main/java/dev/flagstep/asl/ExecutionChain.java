package dev.flagstep.asl;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run across executions: the execution a caller started, and each execution that continued it
 * (started by its predecessor's {@code states:startExecution} task, as a workflow that would
 * outgrow Step Functions' 25,000-event history continues as new). Whoever follows a run asks the
 * chain, not the first execution: after a handover the first one has SUCCEEDED while the run goes on.
 *
 * <p>Holds the latest execution only, so a run of months keeps no finished execution's history
 * alive (the caller's own handle on the first execution aside).
 */
public final class ExecutionChain {

    private final String firstName;
    private final Object lock = new Object();
    private Execution latest;
    private int length;
    /** Completed when the next execution joins, so a waiter on the latest one moves on to it. */
    private CompletableFuture<Void> joined = new CompletableFuture<>();

    ExecutionChain(String firstName) {
        this.firstName = firstName;
    }

    /** The name of the run's first execution. */
    public String firstName() {
        return firstName;
    }

    /** The newest execution of the run: the one running it now, or the one that ended it. */
    public Execution latest() {
        synchronized (lock) {
            return latest;
        }
    }

    /** How many executions the run has had so far. */
    public int length() {
        synchronized (lock) {
            return length;
        }
    }

    public boolean isRunning() {
        return latest().isRunning();
    }

    /** The run's status: its latest execution's. */
    public ExecutionStatus status() {
        return latest().status();
    }

    /**
     * Waits until the run has ended (its latest execution finished without handing over) or
     * {@code timeout} has passed; returns the status then. Wakes when either the execution it waits on
     * finishes or a successor joins: a predecessor may still run its last states after its successor
     * started, and the run can end before it does.
     */
    public ExecutionStatus await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Execution current;
            CompletableFuture<Void> next;
            synchronized (lock) {
                current = latest;
                next = joined;
            }
            try {
                CompletableFuture.anyOf(current.completion(), next)
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return current.status();
            } catch (ExecutionException e) {
                throw new IllegalStateException("neither future completes exceptionally", e);
            }
            if (latest() == current) {
                return current.status();
            }
        }
    }

    /** StopExecution on the run: its latest execution (an earlier one has ended already). */
    public boolean stop(String error, String cause) {
        return latest().stop(error, cause);
    }

    void add(Execution execution) {
        CompletableFuture<Void> wake;
        synchronized (lock) {
            latest = execution;
            length++;
            wake = joined;
            joined = new CompletableFuture<>();
        }
        wake.complete(null);
    }

    @Override
    public String toString() {
        return "ExecutionChain[" + firstName + ", " + length() + " execution(s), latest " + latest() + "]";
    }
}

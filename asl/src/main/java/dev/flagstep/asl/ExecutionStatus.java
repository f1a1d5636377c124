package dev.flagstep.asl;

/** The statuses of a Step Functions execution. */
public enum ExecutionStatus {
    RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
}

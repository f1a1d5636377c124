package dev.flagstep.workload;

/**
 * A target of a form Flagger does not run canaries of (a DaemonSet whose update strategy is not RollingUpdate):
 * as Flagger, the Initialize tick reports it as a warning and tries again after an interval; nothing rolls back.
 */
public final class TargetRefused extends RuntimeException {

    public TargetRefused(String message) {
        super(message);
    }
}

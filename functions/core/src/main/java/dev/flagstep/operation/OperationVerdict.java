package dev.flagstep.operation;

import java.util.Optional;

/** Whether an operation may act on a canary now ({@link Operations#decide}). */
public sealed interface OperationVerdict {

    /** Do it: the run's control becomes {@code next} (empty: none, a resume). */
    record Allowed(Optional<RunControl> next) implements OperationVerdict {}

    /** The same operation is already requested on this run: answer {@code alreadyRequested}, change nothing. */
    record AlreadyRequested() implements OperationVerdict {}

    /** Not allowed now (409): {@code why} names the reason and the phase. */
    record Refused(String why) implements OperationVerdict {}
}

package dev.flagstep.asl;

/** StartExecution's {@code ExecutionAlreadyExists}: the name is taken by a running execution with other input. */
public final class ExecutionAlreadyExistsException extends RuntimeException {

    public ExecutionAlreadyExistsException(String name) {
        super("ExecutionAlreadyExists: Execution Already Exists: '" + name + "'");
    }

    public String errorCode() {
        return "ExecutionAlreadyExists";
    }
}

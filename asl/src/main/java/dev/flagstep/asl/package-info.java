/**
 * An in-process interpreter for the JSONPath subset of the Amazon States Language that
 * {@code statemachine/canary.asl.json} uses (Task via Lambda invoke, Choice, Wait, Pass,
 * Succeed, Fail, Retry, Catch, the input/output processing fields, {@code .waitForTaskToken}, and
 * {@code states:startExecution} to continue a run in a new execution). There is no Step Functions
 * Local here, so the local runtime runs the very same definition with this interpreter. Anything
 * outside the subset is refused when the definition is loaded, never silently ignored at run time.
 *
 * <p>The history is counted as AWS writes it, and an execution fails at AWS's 25,000-event quota
 * exactly as AWS fails it ({@link dev.flagstep.asl.Execution#historyEventCount()}), so a
 * definition that would outgrow one execution shows it here first.
 *
 * <p>Entry points: {@link dev.flagstep.asl.AslInterpreter#load} and
 * {@link dev.flagstep.asl.AslInterpreter#start}; a run across executions is an
 * {@link dev.flagstep.asl.ExecutionChain}.
 */
package dev.flagstep.asl;

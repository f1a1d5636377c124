/**
 * An in-process interpreter for the JSONPath subset of the Amazon States Language that
 * {@code statemachine/canary.asl.json} uses (Task via Lambda invoke, Choice, Wait, Pass,
 * Succeed, Fail, Retry, Catch, the input/output processing fields and
 * {@code .waitForTaskToken}). There is no Step Functions Local here, so the local runtime
 * runs the very same definition with this interpreter. Anything outside the subset is refused
 * when the definition is loaded, never silently ignored at run time.
 *
 * <p>Entry points: {@link dev.flagstep.local.asl.AslInterpreter#load} and
 * {@link dev.flagstep.local.asl.AslInterpreter#start}.
 */
package dev.flagstep.local.asl;

package dev.flagstep.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One state of a loaded definition. Paths that ASL lets be {@code null} are {@code Optional}s whose
 * empty value means that {@code null}: InputPath null gives {@code {}}, ResultPath null discards the
 * result, OutputPath null gives {@code {}}. An absent field has already been replaced by {@code $}.
 */
sealed interface StateDefinition {

    String name();

    /** Where a non-terminal state goes once it is done. */
    sealed interface Transition {
    }

    record Next(String state) implements Transition {
    }

    record End() implements Transition {
    }

    /** InputPath and OutputPath, which every state but Fail has. */
    record Io(Optional<JsonPath> inputPath, Optional<JsonPath> outputPath) {
        static final Io DEFAULT = new Io(Optional.of(JsonPath.parse("$")), Optional.of(JsonPath.parse("$")));
    }

    enum Resource {
        LAMBDA_INVOKE("arn:aws:states:::lambda:invoke"),
        LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN("arn:aws:states:::lambda:invoke.waitForTaskToken"),
        /** StartExecution, request-response: a new execution of this state machine (see AslInterpreter). */
        STATES_START_EXECUTION("arn:aws:states:::states:startExecution");

        final String arn;

        Resource(String arn) {
            this.arn = arn;
        }
    }

    /**
     * @param timeout TimeoutSeconds (a literal) or TimeoutSecondsPath (a path); empty: no timeout
     */
    record TaskState(String name, Io io, Resource resource, PayloadTemplate parameters,
                     Optional<PayloadTemplate> resultSelector, Optional<JsonPath> resultPath,
                     Optional<Expression> timeout, List<Retrier> retry, List<Catcher> catchers,
                     Transition transition) implements StateDefinition {
    }

    record PassState(String name, Io io, Optional<PayloadTemplate> parameters, Optional<JsonNode> result,
                     Optional<JsonPath> resultPath, Transition transition) implements StateDefinition {
    }

    record ChoiceState(String name, Io io, List<ChoiceRule.Branch> choices, Optional<String> defaultNext)
            implements StateDefinition {
    }

    /** Either a number of seconds or a timestamp to wait until, each literal or from a path. */
    sealed interface WaitFor {
    }

    record ForSeconds(Expression seconds) implements WaitFor {
    }

    record UntilTimestamp(Expression timestamp) implements WaitFor {
    }

    record WaitState(String name, Io io, WaitFor waitFor, Transition transition) implements StateDefinition {
    }

    record SucceedState(String name, Io io) implements StateDefinition {
    }

    /** Error/Cause come from literals, ErrorPath/CausePath (a path or an intrinsic), or are absent. */
    record FailState(String name, Optional<Expression> error, Optional<Expression> cause) implements StateDefinition {
    }
}

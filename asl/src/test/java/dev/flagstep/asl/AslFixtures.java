package dev.flagstep.asl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;

/** Small helpers shared by the Asl*Test classes. */
final class AslFixtures {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * Bounds every real wait in the tests, only so that a hung interpreter fails instead of hanging the build:
     * generous, because a 25,000-event run takes seconds on a loaded 2-core CI machine (10 s was once too few).
     */
    static final Duration PATIENCE = Duration.ofMinutes(3);
    static final TaskInvoker ECHO = (name, payload) -> payload;
    static final TaskInvoker NO_TASKS = (name, payload) -> {
        throw new AssertionError("no task expected, got " + name);
    };

    private AslFixtures() {
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static AslInterpreter interpreter(String definition, TaskInvoker invoker, AslClock clock) {
        return new AslInterpreter(AslInterpreter.load(definition, Map.of()), invoker, clock);
    }

    /** Runs to the end on an instant clock and returns the finished execution. */
    static Execution run(String definition, String input, TaskInvoker invoker) throws InterruptedException {
        return run(interpreter(definition, invoker, new InstantClock()), input);
    }

    static Execution run(AslInterpreter asl, String input) throws InterruptedException {
        Execution execution = asl.start("test", json(input));
        assertThat(execution.await(PATIENCE)).as("finished in time").isNotEqualTo(ExecutionStatus.RUNNING);
        return execution;
    }

    /** The output of a run that must succeed. */
    static JsonNode output(String definition, String input) throws InterruptedException {
        return output(definition, input, NO_TASKS);
    }

    static JsonNode output(String definition, String input, TaskInvoker invoker) throws InterruptedException {
        Execution execution = run(definition, input, invoker);
        assertThat(execution.status()).as("status; error %s %s", execution.error(), execution.cause())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
        return execution.output().orElseThrow();
    }

    /** A one-state machine: {@code state} is the JSON of a state named "S" that must end. */
    static String single(String state) {
        return "{\"StartAt\":\"S\",\"States\":{\"S\":" + state + "}}";
    }
}

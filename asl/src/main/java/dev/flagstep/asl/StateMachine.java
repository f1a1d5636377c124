package dev.flagstep.asl;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A loaded and validated definition: immutable, shareable, ready to run any number of executions.
 * Made by {@link AslInterpreter#load}.
 */
public final class StateMachine {

    private final String name;
    private final String startAt;
    private final Map<String, StateDefinition> states;
    private final Optional<Duration> timeout;

    StateMachine(String name, String startAt, Map<String, StateDefinition> states, Optional<Duration> timeout) {
        this.name = name;
        this.startAt = startAt;
        this.states = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(states));
        this.timeout = timeout;
    }

    public String name() {
        return name;
    }

    /** The ARN that {@code $$.StateMachine.Id} shows. */
    public String arn() {
        return "arn:aws:states:local:000000000000:stateMachine:" + name;
    }

    /** The ARN of this machine's execution {@code executionName} ({@code $$.Execution.Id}). */
    public String executionArn(String executionName) {
        return "arn:aws:states:local:000000000000:execution:" + name + ":" + executionName;
    }

    public String startAt() {
        return startAt;
    }

    /** State names in definition order. */
    public Set<String> stateNames() {
        return states.keySet();
    }

    /** The top-level TimeoutSeconds, if the definition has one. */
    public Optional<Duration> timeout() {
        return timeout;
    }

    StateDefinition state(String stateName) {
        StateDefinition state = states.get(stateName);
        if (state == null) {
            throw new IllegalStateException("validated definitions only name existing states: " + stateName);
        }
        return state;
    }
}

package dev.flagstep.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.asl.StateDefinition.ChoiceState;
import dev.flagstep.asl.StateDefinition.End;
import dev.flagstep.asl.StateDefinition.FailState;
import dev.flagstep.asl.StateDefinition.ForSeconds;
import dev.flagstep.asl.StateDefinition.Io;
import dev.flagstep.asl.StateDefinition.Next;
import dev.flagstep.asl.StateDefinition.PassState;
import dev.flagstep.asl.StateDefinition.Resource;
import dev.flagstep.asl.StateDefinition.SucceedState;
import dev.flagstep.asl.StateDefinition.TaskState;
import dev.flagstep.asl.StateDefinition.Transition;
import dev.flagstep.asl.StateDefinition.UntilTimestamp;
import dev.flagstep.asl.StateDefinition.WaitFor;
import dev.flagstep.asl.StateDefinition.WaitState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns definition text into a {@link StateMachine}, refusing, with the state and field named,
 * everything that is invalid or outside the supported subset. All checks happen here so that an
 * execution never meets a construct it cannot run.
 */
final class DefinitionParser {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private static final Set<String> TOP_LEVEL = Set.of("StartAt", "States", "Comment", "Version",
            "TimeoutSeconds", "QueryLanguage");
    private static final Set<String> COMMON = Set.of("Type", "Comment", "QueryLanguage");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Task", Set.of("Resource", "Parameters", "ResultSelector", "ResultPath", "InputPath", "OutputPath",
                    "Next", "End", "Retry", "Catch", "TimeoutSeconds", "TimeoutSecondsPath"),
            "Pass", Set.of("Result", "Parameters", "ResultPath", "InputPath", "OutputPath", "Next", "End"),
            "Choice", Set.of("Choices", "Default", "InputPath", "OutputPath"),
            "Wait", Set.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath", "InputPath", "OutputPath",
                    "Next", "End"),
            "Succeed", Set.of("InputPath", "OutputPath"),
            "Fail", Set.of("Error", "ErrorPath", "Cause", "CausePath"));
    /** Real ASL the local interpreter does not run; named so the refusal says "not supported", not "unknown". */
    private static final Set<String> UNSUPPORTED = Set.of("Assign", "Arguments", "Output", "HeartbeatSeconds",
            "HeartbeatSecondsPath", "Credentials", "ItemProcessor", "Iterator", "Branches", "ItemsPath",
            "ItemSelector", "ItemReader", "ResultWriter", "MaxConcurrency", "ToleratedFailureCount",
            "ToleratedFailurePercentage", "Items");

    private final String definitionName;
    private final Map<String, StateDefinition> states = new LinkedHashMap<>();

    private DefinitionParser(String definitionName) {
        this.definitionName = definitionName;
    }

    static StateMachine parse(String name, String definitionJson, Map<String, String> substitutions) {
        String text = substitute(definitionJson, substitutions);
        JsonNode root;
        try {
            root = Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new AslException("The definition is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        return new DefinitionParser(name).machine(root);
    }

    /** CloudFormation's DefinitionSubstitutions: {@code ${Name}} replaced by its value as raw text. */
    static String substitute(String text, Map<String, String> substitutions) {
        Set<String> unfilled = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = substitutions.get(m.group(1));
            if (value == null) {
                unfilled.add(m.group(0));
                value = m.group(0);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!unfilled.isEmpty()) {
            throw new AslException("The definition has placeholders with no substitution: " + String.join(", ", unfilled));
        }
        return out.toString();
    }

    private StateMachine machine(JsonNode root) {
        if (!root.isObject()) {
            throw new AslException("The definition must be a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!TOP_LEVEL.contains(field)) {
                throw new AslException("The definition's top-level field '" + field + "' is "
                        + (field.equals("Assign") ? "not supported" : "unknown"));
            }
        }
        queryLanguage(root, "(definition)");
        JsonNode statesJson = root.get("States");
        if (statesJson == null || !statesJson.isObject() || statesJson.isEmpty()) {
            throw new AslException("The definition needs States, a non-empty object");
        }
        JsonNode startAt = root.get("StartAt");
        if (startAt == null || !startAt.isTextual()) {
            throw new AslException("The definition needs StartAt, a state name");
        }
        if (!statesJson.has(startAt.textValue())) {
            throw new AslException("StartAt names state '" + startAt.textValue() + "', which does not exist");
        }
        Optional<Duration> timeout = Optional.empty();
        if (root.has("TimeoutSeconds")) {
            JsonNode t = root.get("TimeoutSeconds");
            if (!Json.isIntegral(t) || t.longValue() < 1) {
                throw new AslException("The definition's TimeoutSeconds must be a positive integer");
            }
            timeout = Optional.of(Duration.ofSeconds(t.longValue()));
        }
        for (Map.Entry<String, JsonNode> e : statesJson.properties()) {
            if (e.getKey().isEmpty() || e.getKey().length() > 80) {
                throw new AslException("State name '" + e.getKey() + "' must have 1 to 80 characters");
            }
            states.put(e.getKey(), state(e.getKey(), e.getValue()));
        }
        checkTargetsAndReachability(startAt.textValue());
        return new StateMachine(definitionName, startAt.textValue(), states, timeout);
    }

    private static void queryLanguage(JsonNode json, String state) {
        JsonNode language = json.get("QueryLanguage");
        if (language != null && !"JSONPath".equals(language.asText())) {
            throw AslException.at(state, "QueryLanguage", "only JSONPath is supported, not " + Json.abbreviate(language));
        }
    }

    private StateDefinition state(String name, JsonNode json) {
        if (!json.isObject()) {
            throw AslException.at(name, "(state)", "a state must be a JSON object");
        }
        JsonNode typeNode = json.get("Type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw AslException.at(name, "Type", "missing");
        }
        String type = typeNode.textValue();
        Set<String> allowed = FIELDS.get(type);
        if (allowed == null) {
            throw AslException.at(name, "Type", "state type '" + type + "' is not supported (supported: "
                    + new TreeSet<>(FIELDS.keySet()) + ")");
        }
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!COMMON.contains(field) && !allowed.contains(field)) {
                throw AslException.at(name, field, UNSUPPORTED.contains(field)
                        ? "not supported by the local interpreter" : "not a field of a " + type + " state");
            }
        }
        queryLanguage(json, name);
        return switch (type) {
            case "Task" -> task(name, json);
            case "Pass" -> new PassState(name, io(name, json),
                    optionalTemplate(name, json, "Parameters"), Optional.ofNullable(json.get("Result")),
                    resultPath(name, json, "ResultPath"), transition(name, json));
            case "Choice" -> choice(name, json);
            case "Wait" -> new WaitState(name, io(name, json), waitFor(name, json), transition(name, json));
            case "Succeed" -> new SucceedState(name, io(name, json));
            case "Fail" -> new FailState(name, failField(name, json, "Error"), failField(name, json, "Cause"));
            default -> throw new IllegalStateException("FIELDS and this switch list the same types: " + type);
        };
    }

    private TaskState task(String name, JsonNode json) {
        JsonNode resourceNode = json.get("Resource");
        Resource resource = null;
        for (Resource r : Resource.values()) {
            if (resourceNode != null && r.arn.equals(resourceNode.asText())) {
                resource = r;
            }
        }
        if (resource == null) {
            throw AslException.at(name, "Resource", "unsupported resource " + (resourceNode == null ? "(missing)"
                    : Json.abbreviate(resourceNode)) + " (supported: " + Resource.LAMBDA_INVOKE.arn + ", "
                    + Resource.LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN.arn + " and " + Resource.STATES_START_EXECUTION.arn + ")");
        }
        PayloadTemplate parameters = resource == Resource.STATES_START_EXECUTION
                ? startExecutionParameters(name, json)
                : lambdaParameters(name, json);
        return new TaskState(name, io(name, json), resource, parameters,
                optionalTemplate(name, json, "ResultSelector"), resultPath(name, json, "ResultPath"),
                seconds(name, json, "TimeoutSeconds", true), retriers(name, json), catchers(name, json),
                transition(name, json));
    }

    private static PayloadTemplate lambdaParameters(String name, JsonNode json) {
        PayloadTemplate parameters = parameters(name, json, "lambda:invoke", "FunctionName", List.of("FunctionName", "Payload"));
        if (json.get("Parameters").has("FunctionName") && !json.get("Parameters").get("FunctionName").isTextual()) {
            throw AslException.at(name, "Parameters.FunctionName", "must be a string");
        }
        return parameters;
    }

    /** StartExecution's own parameters, as the optimized integration takes them (Input as JSON or text). */
    private static PayloadTemplate startExecutionParameters(String name, JsonNode json) {
        for (String forbidden : List.of("TimeoutSeconds", "TimeoutSecondsPath")) {
            if (json.has(forbidden)) {
                throw AslException.at(name, forbidden, "not supported for states:startExecution by the local interpreter");
            }
        }
        return parameters(name, json, "states:startExecution", "StateMachineArn", List.of("StateMachineArn", "Name", "Input"));
    }

    /** An integration's Parameters: present, with the key it needs, and no key it does not take. */
    private static PayloadTemplate parameters(String name, JsonNode json, String integration, String required,
                                              List<String> supported) {
        PayloadTemplate parameters = optionalTemplate(name, json, "Parameters").orElseThrow(() ->
                AslException.at(name, "Parameters", integration + " needs Parameters with " + required));
        List<String> keys = parameters.topLevelKeys();
        if (!keys.contains(required)) {
            throw AslException.at(name, "Parameters." + required, integration + " needs " + required);
        }
        for (String key : keys) {
            if (!supported.contains(key)) {
                throw AslException.at(name, "Parameters." + key, "not supported for " + integration
                        + " by the local interpreter (supported: " + String.join(", ", supported) + ")");
            }
        }
        return parameters;
    }

    private ChoiceState choice(String name, JsonNode json) {
        JsonNode choices = json.get("Choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw AslException.at(name, "Choices", "must be a non-empty array of rules");
        }
        List<ChoiceRule.Branch> branches = new ArrayList<>();
        for (int i = 0; i < choices.size(); i++) {
            String where = "Choices[" + i + "]";
            ChoiceRule rule = ChoiceRule.parse(choices.get(i), name, where, true);
            branches.add(new ChoiceRule.Branch(rule, choices.get(i).get("Next").textValue()));
        }
        JsonNode defaultNext = json.get("Default");
        if (defaultNext != null && !defaultNext.isTextual()) {
            throw AslException.at(name, "Default", "must be a state name");
        }
        return new ChoiceState(name, io(name, json), List.copyOf(branches),
                Optional.ofNullable(defaultNext).map(JsonNode::textValue));
    }

    private WaitFor waitFor(String name, JsonNode json) {
        List<String> given = new ArrayList<>();
        for (String f : List.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath")) {
            if (json.has(f)) {
                given.add(f);
            }
        }
        if (given.size() != 1) {
            throw AslException.at(name, given.isEmpty() ? "Seconds" : String.join("/", given),
                    "a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath");
        }
        return switch (given.get(0)) {
            case "Seconds", "SecondsPath" -> new ForSeconds(seconds(name, json, "Seconds", false).orElseThrow());
            case "Timestamp" -> {
                if (ChoiceRule.timestamp(json.get("Timestamp")).isEmpty()) {
                    throw AslException.at(name, "Timestamp", "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
                }
                yield new UntilTimestamp(new Expression.Literal(json.get("Timestamp")));
            }
            default -> new UntilTimestamp(new Expression.Path(path(name, json, "TimestampPath")));
        };
    }

    /**
     * {@code X} (an integer literal) or {@code XPath} (a reference path), at most one of them.
     *
     * @param positive TimeoutSeconds must be at least 1; Wait's Seconds may be 0
     */
    private static Optional<Expression> seconds(String name, JsonNode json, String field, boolean positive) {
        if (json.has(field) && json.has(field + "Path")) {
            throw AslException.at(name, field + "Path", "give either " + field + " or " + field + "Path, not both");
        }
        if (json.has(field)) {
            JsonNode value = json.get(field);
            if (!Json.isIntegral(value) || value.longValue() < (positive ? 1 : 0) || value.longValue() > 99_999_999) {
                throw AslException.at(name, field, "must be an integer from " + (positive ? 1 : 0) + " to 99999999");
            }
            return Optional.of(new Expression.Literal(value));
        }
        if (json.has(field + "Path")) {
            return Optional.of(new Expression.Path(path(name, json, field + "Path")));
        }
        return Optional.empty();
    }

    private static Optional<Expression> failField(String name, JsonNode json, String field) {
        if (json.has(field) && json.has(field + "Path")) {
            throw AslException.at(name, field + "Path", "give either " + field + " or " + field + "Path, not both");
        }
        if (json.has(field)) {
            if (!json.get(field).isTextual()) {
                throw AslException.at(name, field, "must be a string");
            }
            return Optional.of(new Expression.Literal(json.get(field)));
        }
        if (json.has(field + "Path")) {
            JsonNode value = json.get(field + "Path");
            try {
                if (!value.isTextual()) {
                    throw new IllegalArgumentException("must be a path or an intrinsic function");
                }
                return Optional.of(Expression.dynamic(value.textValue()));
            } catch (IllegalArgumentException e) {
                throw AslException.at(name, field + "Path", e.getMessage());
            }
        }
        return Optional.empty();
    }

    private List<Retrier> retriers(String name, JsonNode json) {
        List<Retrier> retriers = new ArrayList<>();
        JsonNode retry = json.get("Retry");
        if (retry == null) {
            return List.of();
        }
        if (!retry.isArray()) {
            throw AslException.at(name, "Retry", "must be an array");
        }
        for (int i = 0; i < retry.size(); i++) {
            String where = "Retry[" + i + "]";
            JsonNode r = retry.get(i);
            onlyFields(name, where, r, Set.of("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
                    "MaxDelaySeconds", "JitterStrategy", "Comment"));
            List<String> errors = errorEquals(name, where, r, i == retry.size() - 1);
            Duration interval = Retrier.DEFAULT_INTERVAL;
            if (r.has("IntervalSeconds")) {
                interval = Duration.ofSeconds(integer(name, where + ".IntervalSeconds", r.get("IntervalSeconds"), 1));
            }
            int maxAttempts = Retrier.DEFAULT_MAX_ATTEMPTS;
            if (r.has("MaxAttempts")) {
                maxAttempts = (int) integer(name, where + ".MaxAttempts", r.get("MaxAttempts"), 0);
            }
            double backoff = Retrier.DEFAULT_BACKOFF_RATE;
            if (r.has("BackoffRate")) {
                JsonNode b = r.get("BackoffRate");
                if (!b.isNumber() || b.doubleValue() < 1.0) {
                    throw AslException.at(name, where + ".BackoffRate", "must be a number >= 1.0");
                }
                backoff = b.doubleValue();
            }
            Optional<Duration> maxDelay = Optional.empty();
            if (r.has("MaxDelaySeconds")) {
                maxDelay = Optional.of(Duration.ofSeconds(integer(name, where + ".MaxDelaySeconds", r.get("MaxDelaySeconds"), 1)));
            }
            boolean fullJitter = false;
            if (r.has("JitterStrategy")) {
                String jitter = r.get("JitterStrategy").asText();
                if (!r.get("JitterStrategy").isTextual() || !(jitter.equals("FULL") || jitter.equals("NONE"))) {
                    throw AslException.at(name, where + ".JitterStrategy", "must be \"FULL\" or \"NONE\"");
                }
                fullJitter = jitter.equals("FULL");
            }
            retriers.add(new Retrier(errors, interval, maxAttempts, backoff, maxDelay, fullJitter));
        }
        return List.copyOf(retriers);
    }

    private List<Catcher> catchers(String name, JsonNode json) {
        List<Catcher> catchers = new ArrayList<>();
        JsonNode catchJson = json.get("Catch");
        if (catchJson == null) {
            return List.of();
        }
        if (!catchJson.isArray()) {
            throw AslException.at(name, "Catch", "must be an array");
        }
        for (int i = 0; i < catchJson.size(); i++) {
            String where = "Catch[" + i + "]";
            JsonNode c = catchJson.get(i);
            onlyFields(name, where, c, Set.of("ErrorEquals", "Next", "ResultPath", "Comment"));
            List<String> errors = errorEquals(name, where, c, i == catchJson.size() - 1);
            if (!c.path("Next").isTextual()) {
                throw AslException.at(name, where + ".Next", "a catcher needs Next (a state name)");
            }
            catchers.add(new Catcher(errors, c.get("Next").textValue(), resultPath(name, c, "ResultPath", where + ".")));
        }
        return List.copyOf(catchers);
    }

    /** Also enforces the spec's rule that States.ALL stands alone, in the last retrier or catcher. */
    private static List<String> errorEquals(String name, String where, JsonNode json, boolean last) {
        JsonNode errors = json.get("ErrorEquals");
        if (errors == null || !errors.isArray() || errors.isEmpty()) {
            throw AslException.at(name, where + ".ErrorEquals", "must be a non-empty array of error names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode e : errors) {
            if (!e.isTextual()) {
                throw AslException.at(name, where + ".ErrorEquals", "error names are strings");
            }
            names.add(e.textValue());
        }
        if (names.contains(StatesError.ALL) && (names.size() > 1 || !last)) {
            throw AslException.at(name, where + ".ErrorEquals",
                    "States.ALL must appear alone, and only in the last element");
        }
        return List.copyOf(names);
    }

    private static void onlyFields(String name, String where, JsonNode json, Set<String> allowed) {
        if (!json.isObject()) {
            throw AslException.at(name, where, "must be an object");
        }
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw AslException.at(name, where + "." + field, "not a supported field here");
            }
        }
    }

    private static long integer(String name, String field, JsonNode value, long min) {
        if (!Json.isIntegral(value) || value.longValue() < min || value.longValue() > 99_999_999) {
            throw AslException.at(name, field, "must be an integer from " + min + " to 99999999");
        }
        return value.longValue();
    }

    private static Io io(String name, JsonNode json) {
        return new Io(nullablePath(name, json, "InputPath"), nullablePath(name, json, "OutputPath"));
    }

    private static Optional<JsonPath> resultPath(String name, JsonNode json, String field) {
        return resultPath(name, json, field, "");
    }

    private static Optional<JsonPath> resultPath(String name, JsonNode json, String field, String prefix) {
        Optional<JsonPath> path = nullablePath(name, json, field, prefix);
        if (path.isPresent() && path.get().isContext()) {
            throw AslException.at(name, prefix + field, "cannot write into the context object ($$)");
        }
        return path;
    }

    private static Optional<JsonPath> nullablePath(String name, JsonNode json, String field) {
        return nullablePath(name, json, field, "");
    }

    /** Absent means {@code $}; JSON {@code null} means empty (see {@link StateDefinition}). */
    private static Optional<JsonPath> nullablePath(String name, JsonNode json, String field, String prefix) {
        if (!json.has(field)) {
            return Optional.of(JsonPath.parse("$"));
        }
        if (json.get(field).isNull()) {
            return Optional.empty();
        }
        return Optional.of(path(name, json, field, prefix));
    }

    private static JsonPath path(String name, JsonNode json, String field) {
        return path(name, json, field, "");
    }

    private static JsonPath path(String name, JsonNode json, String field, String prefix) {
        JsonNode value = json.get(field);
        if (!value.isTextual()) {
            throw AslException.at(name, prefix + field, "must be a path string");
        }
        try {
            return JsonPath.parse(value.textValue());
        } catch (IllegalArgumentException e) {
            throw AslException.at(name, prefix + field, e.getMessage());
        }
    }

    private static Optional<PayloadTemplate> optionalTemplate(String name, JsonNode json, String field) {
        return Optional.ofNullable(json.get(field)).map(t -> PayloadTemplate.compile(t, name, field));
    }

    private static Transition transition(String name, JsonNode json) {
        JsonNode next = json.get("Next");
        JsonNode end = json.get("End");
        if (end != null && !end.isBoolean()) {
            throw AslException.at(name, "End", "must be true or false");
        }
        boolean isEnd = end != null && end.booleanValue();
        if (next != null && isEnd) {
            throw AslException.at(name, "Next", "a state has Next or End, not both");
        }
        if (next == null && !isEnd) {
            throw AslException.at(name, "Next", "a " + json.get("Type").textValue() + " state needs Next or \"End\": true");
        }
        if (next != null && !next.isTextual()) {
            throw AslException.at(name, "Next", "must be a state name");
        }
        return next != null ? new Next(next.textValue()) : new End();
    }

    /** Every target must exist, and (as AWS insists) every state must be reachable from StartAt. */
    private void checkTargetsAndReachability(String startAt) {
        Map<String, List<Map.Entry<String, String>>> edges = new LinkedHashMap<>();
        for (StateDefinition state : states.values()) {
            List<Map.Entry<String, String>> targets = new ArrayList<>();
            switch (state) {
                case TaskState t -> {
                    next(t.transition()).ifPresent(n -> targets.add(Map.entry("Next", n)));
                    for (int i = 0; i < t.catchers().size(); i++) {
                        targets.add(Map.entry("Catch[" + i + "].Next", t.catchers().get(i).next()));
                    }
                }
                case PassState p -> next(p.transition()).ifPresent(n -> targets.add(Map.entry("Next", n)));
                case WaitState w -> next(w.transition()).ifPresent(n -> targets.add(Map.entry("Next", n)));
                case ChoiceState c -> {
                    for (int i = 0; i < c.choices().size(); i++) {
                        targets.add(Map.entry("Choices[" + i + "].Next", c.choices().get(i).next()));
                    }
                    c.defaultNext().ifPresent(d -> targets.add(Map.entry("Default", d)));
                }
                case SucceedState s -> { }
                case FailState f -> { }
            }
            for (Map.Entry<String, String> target : targets) {
                if (!states.containsKey(target.getValue())) {
                    throw AslException.at(state.name(), target.getKey(),
                            "names state '" + target.getValue() + "', which does not exist");
                }
            }
            edges.put(state.name(), targets);
        }
        Set<String> reached = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(startAt));
        while (!todo.isEmpty()) {
            String s = todo.pop();
            if (reached.add(s)) {
                edges.get(s).forEach(e -> todo.push(e.getValue()));
            }
        }
        for (String s : states.keySet()) {
            if (!reached.contains(s)) {
                throw AslException.at(s, "(state)", "cannot be reached from StartAt '" + startAt + "'");
            }
        }
    }

    private static Optional<String> next(Transition transition) {
        return transition instanceof Next n ? Optional.of(n.state()) : Optional.empty();
    }
}

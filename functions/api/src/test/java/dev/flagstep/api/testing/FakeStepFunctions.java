package dev.flagstep.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.StepFunctions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A loopback Step Functions speaking its real wire protocol (AWS JSON 1.0: POST /, dispatch on
 * {@code X-Amz-Target: AWSStepFunctions.<Operation>}, errors as {@code {"__type": ...}}), for the
 * operations flagstep calls: StartExecution (unique names: ExecutionAlreadyExists), ListExecutions
 * (paged, 2 per page so paging is exercised), DescribeExecution, StopExecution, SendTaskSuccess.
 */
public final class FakeStepFunctions implements AutoCloseable {

    public static final String STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:flagstep-canary";

    public record Execution(String arn, String name, String input, Instant started, String status,
            String stopError, String stopCause) {}

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, Execution> executions = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Set<String> waitingTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> completedTokens = new ConcurrentHashMap<>();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    public FakeStepFunctions() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public StepFunctions client() {
        return new StepFunctions(new AwsJsonClient(AwsService.STEP_FUNCTIONS, AwsSettings.of("us-east-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))), endpoint()));
    }

    /** A task waiting on this token (what a {@code .waitForTaskToken} state does). */
    public void parkToken(String token) {
        waitingTokens.add(token);
    }

    /** The output SendTaskSuccess completed this token with, if it did. */
    public java.util.Optional<String> completed(String token) {
        return java.util.Optional.ofNullable(completedTokens.get(token));
    }

    public List<Execution> executions() {
        synchronized (executions) {
            return List.copyOf(executions.values());
        }
    }

    /** The operations called, in order ("StartExecution", ...). */
    public List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** Ends an execution as if it finished (SUCCEEDED, FAILED...). */
    public void finish(String name, String status) {
        executions.computeIfPresent(name, (k, e) -> new Execution(e.arn(), e.name(), e.input(), e.started(), status, "", ""));
    }

    private void serve(HttpExchange x) throws IOException {
        try (x) {
            String target = x.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode in = json.readTree(x.getRequestBody().readAllBytes());
            if (target == null || !target.startsWith("AWSStepFunctions.")) {
                reply(x, 400, error("UnknownOperationException", "no X-Amz-Target"));
                return;
            }
            String op = target.substring("AWSStepFunctions.".length());
            calls.add(op);
            switch (op) {
                case "StartExecution" -> start(x, in);
                case "ListExecutions" -> list(x, in);
                case "DescribeExecution" -> describe(x, in);
                case "StopExecution" -> stop(x, in);
                case "SendTaskSuccess" -> sendTaskSuccess(x, in);
                default -> reply(x, 400, error("UnknownOperationException", op));
            }
        }
    }

    private void start(HttpExchange x, JsonNode in) throws IOException {
        String name = in.path("name").asText();
        String arn = STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:") + ":" + name;
        if (!in.path("stateMachineArn").asText().equals(STATE_MACHINE_ARN)) {
            reply(x, 400, error("StateMachineDoesNotExist", "State Machine Does Not Exist"));
            return;
        }
        // Step Functions' rule: 1-80 characters, no whitespace, brackets, wildcards or these punctuation marks
        if (name.isEmpty() || name.length() > 80 || name.matches(".*[\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1f\\x7f-\\x9f].*")) {
            reply(x, 400, error("InvalidName", "Invalid Name: '" + name + "'"));
            return;
        }
        synchronized (executions) {
            Execution existing = executions.get(name);
            if (existing != null) {
                // Step Functions: same name and input while running is idempotent; otherwise an error.
                if (existing.status().equals("RUNNING") && existing.input().equals(in.path("input").asText())) {
                    reply(x, 200, json.createObjectNode().put("executionArn", arn).put("startDate", epoch(existing.started())));
                } else {
                    reply(x, 400, error("ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'"));
                }
                return;
            }
            Instant now = Instant.now();
            executions.put(name, new Execution(arn, name, in.path("input").asText(), now, "RUNNING", "", ""));
            reply(x, 200, json.createObjectNode().put("executionArn", arn).put("startDate", epoch(now)));
        }
    }

    private void list(HttpExchange x, JsonNode in) throws IOException {
        String filter = in.path("statusFilter").asText("");
        List<Execution> matching = executions().stream()
                .filter(e -> filter.isEmpty() || e.status().equals(filter)).toList();
        int from = in.path("nextToken").asInt(0);
        int to = Math.min(matching.size(), from + 2);
        ObjectNode out = json.createObjectNode();
        ArrayNode items = out.putArray("executions");
        for (Execution e : matching.subList(from, to)) {
            items.addObject().put("executionArn", e.arn()).put("stateMachineArn", STATE_MACHINE_ARN)
                    .put("name", e.name()).put("status", e.status()).put("startDate", epoch(e.started()));
        }
        if (to < matching.size()) {
            out.put("nextToken", String.valueOf(to));
        }
        reply(x, 200, out);
    }

    private void describe(HttpExchange x, JsonNode in) throws IOException {
        Execution e = byArn(in.path("executionArn").asText());
        if (e == null) {
            reply(x, 400, error("ExecutionDoesNotExist", "Execution Does Not Exist"));
            return;
        }
        reply(x, 200, json.createObjectNode().put("executionArn", e.arn()).put("stateMachineArn", STATE_MACHINE_ARN)
                .put("name", e.name()).put("status", e.status()).put("startDate", epoch(e.started())).put("input", e.input()));
    }

    private void stop(HttpExchange x, JsonNode in) throws IOException {
        Execution e = byArn(in.path("executionArn").asText());
        if (e == null) {
            reply(x, 400, error("ExecutionDoesNotExist", "Execution Does Not Exist"));
            return;
        }
        executions.put(e.name(), new Execution(e.arn(), e.name(), e.input(), e.started(), "ABORTED",
                in.path("error").asText(""), in.path("cause").asText("")));
        reply(x, 200, json.createObjectNode().put("stopDate", epoch(Instant.now())));
    }

    private void sendTaskSuccess(HttpExchange x, JsonNode in) throws IOException {
        String token = in.path("taskToken").asText();
        if (!waitingTokens.remove(token)) {
            reply(x, 400, error("TaskDoesNotExist", "Task Does Not Exist"));
            return;
        }
        completedTokens.put(token, in.path("output").asText());
        reply(x, 200, json.createObjectNode());
    }

    private Execution byArn(String arn) {
        return executions().stream().filter(e -> e.arn().equals(arn)).findFirst().orElse(null);
    }

    private ObjectNode error(String type, String message) {
        return json.createObjectNode().put("__type", type).put("message", message);
    }

    private static double epoch(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    private void reply(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        x.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        x.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

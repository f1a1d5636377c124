package dev.flagstep.asl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The task tokens of {@code .waitForTaskToken} tasks that are waiting: SendTaskSuccess and
 * SendTaskFailure for the local runtime. Thread-safe: the HTTP API completes tokens from its own
 * threads while executions wait on theirs.
 */
public final class TaskTokens {

    /** How a waiting task ends when its token is completed. */
    sealed interface Outcome {
    }

    record Success(JsonNode output) implements Outcome {
    }

    record Failure(String error, String cause) implements Outcome {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, CompletableFuture<Outcome>> waiting = new ConcurrentHashMap<>();

    /** Like SendTaskSuccess: the waiting task succeeds with {@code output} as its result. */
    public void sendTaskSuccess(String token, JsonNode output) {
        complete(token, new Success(output.deepCopy()));
    }

    /** @throws TaskTokenException {@code InvalidOutput} if the text is not JSON */
    public void sendTaskSuccess(String token, String outputJson) {
        JsonNode output;
        try {
            output = Json.parse(outputJson);
        } catch (JsonProcessingException e) {
            throw new TaskTokenException("InvalidOutput", "The output is not JSON: " + e.getOriginalMessage());
        }
        sendTaskSuccess(token, output);
    }

    /**
     * Like SendTaskFailure: the waiting task fails with this error, which its Retry and Catch see.
     * Both may be null, as in the API; a missing error is the empty name, which only the wildcards match.
     */
    public void sendTaskFailure(String token, String error, String cause) {
        complete(token, new Failure(error == null ? "" : error, cause == null ? "" : cause));
    }

    /** Tokens of tasks that are waiting right now. */
    public Set<String> waiting() {
        return Set.copyOf(waiting.keySet());
    }

    /** Makes a token and starts listening for it; the task calls {@link #close} when it stops waiting. */
    String open() {
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        String token = "AQ" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        waiting.put(token, new CompletableFuture<>());
        return token;
    }

    CompletableFuture<Outcome> outcome(String token) {
        CompletableFuture<Outcome> outcome = waiting.get(token);
        if (outcome == null) {
            throw new IllegalStateException("outcome() is only asked between open() and close()");
        }
        return outcome;
    }

    void close(String token) {
        waiting.remove(token);
    }

    /** A token that is unknown, already used, or whose task timed out or was stopped: as AWS, an error. */
    private void complete(String token, Outcome outcome) {
        CompletableFuture<Outcome> future = token == null ? null : waiting.get(token);
        if (future == null || !future.complete(outcome)) {
            throw new TaskTokenException("TaskDoesNotExist",
                    "No task is waiting for this token (unknown, already completed, timed out or stopped)");
        }
    }
}

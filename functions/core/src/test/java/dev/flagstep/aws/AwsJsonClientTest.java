package dev.flagstep.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class AwsJsonClientTest {

    record Reply(int status, String body) {}

    record Seen(Headers headers, String body) {}

    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<Seen> seen = new ArrayList<>();
    private final HttpServer server;

    AwsJsonClientTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            try (x) {
                synchronized (this) {
                    seen.add(new Seen(x.getRequestHeaders(), new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                }
                Reply r;
                synchronized (this) {
                    r = replies.isEmpty() ? new Reply(200, "{}") : replies.poll();
                }
                byte[] b = r.body().getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
                x.sendResponseHeaders(r.status(), b.length == 0 ? -1 : b.length);
                x.getResponseBody().write(b);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private AwsJsonClient client(AwsService service) {
        AwsSettings settings = AwsSettings.of("eu-west-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET")))
                .withRetry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(5)));
        return new AwsJsonClient(service, settings, URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    private static String error(String type, String message) {
        return "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
    }

    @Test
    void postsTheInputWithTheTargetContentTypeAndASigV4Signature() {
        replies.add(new Reply(200, "{\"Answer\":42}"));

        JsonNode out = client(AwsService.EVENTBRIDGE).call("PutEvents", AwsJsonClient.JSON.createObjectNode().put("Entries", 1));

        assertThat(out.path("Answer").asInt()).isEqualTo(42);
        Seen s = seen.getFirst();
        assertThat(s.body()).isEqualTo("{\"Entries\":1}");
        assertThat(s.headers().getFirst("X-Amz-Target")).isEqualTo("AWSEvents.PutEvents");
        assertThat(s.headers().getFirst("Content-Type")).isEqualTo("application/x-amz-json-1.1");
        String date = s.headers().getFirst("X-Amz-Date");
        assertThat(s.headers().getFirst("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKID/" + date.substring(0, 8) + "/eu-west-1/events/aws4_request")
                .contains("x-amz-target");
    }

    @Test
    void throttlingAndServerErrorsAreTriedAgainUpToThreeAttempts() {
        replies.add(new Reply(400, error("com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", "slow down")));
        replies.add(new Reply(503, ""));
        replies.add(new Reply(200, "{\"Item\":{}}"));

        JsonNode out = client(AwsService.DYNAMODB).call("GetItem", AwsJsonClient.JSON.createObjectNode());

        assertThat(out.has("Item")).isTrue();
        assertThat(seen).hasSize(3);
    }

    @Test
    void theLastFailureComesOutWithItsCodeAfterTheThirdAttempt() {
        for (int i = 0; i < 4; i++) {
            replies.add(new Reply(400, error("com.amazon.coral.availability#ThrottlingException", "Rate exceeded")));
        }

        assertThatThrownBy(() -> client(AwsService.DYNAMODB).call("GetItem", AwsJsonClient.JSON.createObjectNode()))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("ThrottlingException");
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.throttling()).isTrue();
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("ThrottlingException: Rate exceeded");
                });
        assertThat(seen).hasSize(3);
    }

    @Test
    void aClientErrorIsNotTriedAgain() {
        replies.add(new Reply(400, error("ExecutionDoesNotExist", "Execution Does Not Exist")));

        assertThatThrownBy(() -> client(AwsService.STEP_FUNCTIONS).call("StopExecution", AwsJsonClient.JSON.createObjectNode()))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("ExecutionDoesNotExist");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.operation()).isEqualTo("AWSStepFunctions.StopExecution");
                });
        assertThat(seen).hasSize(1);
    }

    @Test
    void noAnswerIsRetriedAndThenAnUnansweredFailure() {
        AwsSettings settings = AwsSettings.of("eu-west-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .withRetry(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1)));
        server.stop(0);
        AwsJsonClient closed = new AwsJsonClient(AwsService.DYNAMODB, settings,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()));

        assertThatThrownBy(() -> closed.call("GetItem", AwsJsonClient.JSON.createObjectNode()))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.unanswered()).isTrue();
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void errorCodesLoseTheirNamespaceAndSuffix() {
        assertThat(AwsJsonClient.errorCode("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"))
                .isEqualTo("ConditionalCheckFailedException");
        assertThat(AwsJsonClient.errorCode("ValidationException:http://internal.amazon.com/coral/com.amazon.coral.validate/"))
                .isEqualTo("ValidationException");
        assertThat(AwsJsonClient.errorCode("TaskDoesNotExist")).isEqualTo("TaskDoesNotExist");
    }

    @Test
    void theEnvironmentOverridesAServiceEndpointAsTheSdkDoes() {
        assertThat(AwsService.STEP_FUNCTIONS.endpoint("us-east-1", java.util.Map.of("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:1")))
                .isEqualTo(URI.create("http://127.0.0.1:1"));
        assertThat(AwsService.DYNAMODB.endpoint("eu-west-1", java.util.Map.of("AWS_ENDPOINT_URL", "http://x:2")))
                .isEqualTo(URI.create("http://x:2"));
        assertThat(AwsService.CLOUDWATCH.endpoint("eu-west-1", java.util.Map.of()))
                .isEqualTo(URI.create("https://monitoring.eu-west-1.amazonaws.com"));
        assertThat(AwsService.DYNAMODB.endpoint("cn-north-1")).isEqualTo(URI.create("https://dynamodb.cn-north-1.amazonaws.com.cn"));
    }
}

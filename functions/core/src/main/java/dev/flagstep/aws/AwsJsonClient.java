package dev.flagstep.aws;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * One AWS service over the AWS JSON protocol, without the SDK's service client (its model jars and
 * start-up dominated the Lambda zips and cold starts): a POST of the operation's JSON input to the
 * service root with {@code X-Amz-Target: {prefix}.{Operation}}, signed with the SDK's SigV4 signer and
 * credentials providers; an error answer becomes an {@link AwsException} with its code (the body's
 * {@code __type}, namespace dropped) and message; throttling, 5xx and unanswered calls are tried again
 * as the SDK's standard retry mode does ({@link RetryPolicy}).
 */
public final class AwsJsonClient {

    /** Every call's JSON: plain decimals (epoch-second timestamps), never 1.7E+9. */
    public static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Sees each exchange on the wire (for benchmarks counting calls and bytes). */
    public interface Observer {
        void exchanged(AwsService service, String operation, long requestBytes, long responseBytes);
    }

    private final AwsService service;
    private final AwsSettings settings;
    private final URI endpoint;
    private final Optional<Observer> observer;

    public AwsJsonClient(AwsService service, AwsSettings settings) {
        this(service, settings, service.endpoint(settings.region()));
    }

    /** With an endpoint other than the region's (a local server, a test fake). */
    public AwsJsonClient(AwsService service, AwsSettings settings, URI endpoint) {
        this(service, settings, endpoint, Optional.empty());
    }

    private AwsJsonClient(AwsService service, AwsSettings settings, URI endpoint, Optional<Observer> observer) {
        this.service = service;
        this.settings = settings;
        this.endpoint = endpoint.getPath().isEmpty() ? endpoint.resolve("/") : endpoint;
        this.observer = observer;
    }

    public AwsJsonClient observed(Observer o) {
        return new AwsJsonClient(service, settings, endpoint, Optional.of(o));
    }

    public AwsService service() {
        return service;
    }

    public URI endpoint() {
        return endpoint;
    }

    public ObjectNode object() {
        return JSON.createObjectNode();
    }

    /**
     * Calls {@code operation} with {@code input}; answers the output document (empty for an empty body).
     *
     * @throws AwsException the service's error, or no answer, after the retries
     */
    public JsonNode call(String operation, JsonNode input) {
        String target = service.targetPrefix() + "." + operation;
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(input);
        } catch (IOException e) {
            throw new IllegalArgumentException("unserialisable input for " + target, e);
        }
        RetryPolicy retry = settings.retry();
        for (int attempt = 1; ; attempt++) {
            try {
                return once(target, body);
            } catch (AwsException e) {
                if (!e.retryable() || attempt >= retry.maxAttempts()) {
                    throw e;
                }
                pause(target, retry.backoff(attempt, e.throttling()));
            }
        }
    }

    /** A timestamp as the JSON protocol sends it: epoch seconds, milliseconds as decimals. */
    public static BigDecimal epochSeconds(Instant t) {
        return BigDecimal.valueOf(t.toEpochMilli(), 3);
    }

    private JsonNode once(String target, byte[] body) {
        SdkHttpRequest signed = sign(target, body);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = settings.http().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AwsException(target, 0, "", "no answer from " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsException(target, 0, "", "interrupted calling " + endpoint, e);
        }
        byte[] answer = response.body();
        observer.ifPresent(o -> o.exchanged(service, target.substring(target.indexOf('.') + 1), body.length, answer.length));
        JsonNode document = parse(answer);
        int status = response.statusCode();
        if (status / 100 == 2) {
            return document;
        }
        String code = errorCode(response.headers().firstValue("x-amzn-ErrorType")
                .orElse(document.path("__type").asText(document.path("code").asText(""))));
        String message = document.path("message").asText(document.path("Message").asText(""));
        throw new AwsException(target, status, code,
                (code.isEmpty() ? "HTTP " + status : code) + (message.isEmpty() ? "" : ": " + message), null, document);
    }

    private SdkHttpRequest sign(String target, byte[] body) {
        AwsCredentialsIdentity credentials;
        try {
            credentials = settings.credentials().resolveCredentials();
        } catch (RuntimeException e) {
            throw new AwsException(target, 0, "", "no AWS credentials: " + e.getMessage(), e);
        }
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", service.contentType())
                .putHeader("X-Amz-Target", target)
                .build();
        return SIGNER.sign(r -> r.identity(credentials).request(unsigned)
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service.signingName())
                        .putProperty(AwsV4HttpSigner.REGION_NAME, settings.region()))
                .request();
    }

    /** {@code aws.protocoltests#ValidationException}, {@code ValidationException:http://...}: the bare name. */
    static String errorCode(String raw) {
        String code = raw;
        int colon = code.indexOf(':');
        if (colon >= 0) {
            code = code.substring(0, colon);
        }
        int hash = code.lastIndexOf('#');
        return code.substring(hash + 1).strip();
    }

    private static JsonNode parse(byte[] answer) {
        if (answer.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(answer);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode(); // an error page from a proxy: the status says what happened
        }
    }

    private static void pause(String target, Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AwsException(target, 0, "", "interrupted while retrying", e);
        }
    }

    @Override
    public String toString() {
        return service.targetPrefix() + "@" + endpoint + " (" + settings.region() + ")";
    }

}

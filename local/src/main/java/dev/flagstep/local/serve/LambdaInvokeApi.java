package dev.flagstep.local.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.api.HttpRequest;
import dev.flagstep.api.HttpResponse;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.asl.TaskFailure;
import dev.flagstep.phases.PhaseHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AWS Lambda Invoke API for the phase handlers, as {@code sam local start-lambda} serves it:
 * {@code POST /2015-03-31/functions/{name}/invocations}, the payload is the handler's input JSON and
 * the answer its output, so the AWS CLI, an SDK or another Step Functions interpreter can drive the
 * very handlers the local runtime runs.
 *
 * <p>Names: {@code Initialize}, {@code flagstep-Initialize}, or a function ARN (qualified or not,
 * URL-encoded or not). Answers as Lambda does: {@code 200} with the output; {@code 200} with
 * {@code X-Amz-Function-Error: Unhandled} and {@code {"errorMessage","errorType"}} when the handler
 * throws (a function error is not an HTTP error); {@code 404 ResourceNotFoundException},
 * {@code 400 InvalidRequestContentException} (payload not JSON), {@code 413 RequestTooLargeException},
 * service errors named in {@code x-amzn-ErrorType} as the SDKs read them. {@code X-Amz-Invocation-Type}
 * {@code Event} answers 202 and runs in the background, {@code DryRun} answers 204.
 */
public final class LambdaInvokeApi {

    public static final String PREFIX = "/2015-03-31/functions/";
    /** Lambda's limit for a synchronous invocation's payload. */
    public static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

    private static final Pattern PATH = Pattern.compile("^/2015-03-31/functions/([^/]+)/invocations/?$");
    private static final String ARN_PREFIX = "arn:aws:lambda:local:000000000000:function:";
    private static final Logger LOG = Logger.getLogger(LambdaInvokeApi.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, Optional<PhaseHandler>> functions;

    /** @param functions the phase handler by its state name ({@code Initialize}, ...) */
    public LambdaInvokeApi(Function<String, Optional<PhaseHandler>> functions) {
        this.functions = functions;
    }

    /** Whether the request is for this API (everything else is flagstep's own HTTP API). */
    public static boolean handles(String rawPath) {
        return rawPath.startsWith(PREFIX);
    }

    public HttpResponse invoke(HttpRequest req) {
        Matcher m = PATH.matcher(req.path());
        if (!m.matches()) {
            return serviceError(404, "UnknownOperationException", "Unknown operation " + req.method() + " " + req.path()
                    + "; this endpoint serves Invoke only: POST " + PREFIX + "{FunctionName}/invocations");
        }
        if (!req.method().equals("POST")) {
            return serviceError(405, "UnknownOperationException", "Invoke is POST, not " + req.method());
        }
        String requested = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        String name = shortName(requested);
        Optional<PhaseHandler> handler = functions.apply(name);
        if (handler.isEmpty()) {
            return serviceError(404, "ResourceNotFoundException", "Function not found: "
                    + (requested.startsWith("arn:") ? requested : ARN_PREFIX + requested));
        }
        if (req.bodyLength() > MAX_PAYLOAD_BYTES) {
            return serviceError(413, "RequestTooLargeException",
                    "Request must be smaller than " + MAX_PAYLOAD_BYTES + " bytes for the InvokeFunction operation");
        }
        JsonNode payload;
        try {
            payload = req.bodyLength() == 0 ? JSON.createObjectNode() : JSON.readTree(req.body());
        } catch (java.io.IOException e) {
            return serviceError(400, "InvalidRequestContentException",
                    "Could not parse request body into json: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        String type = req.header("X-Amz-Invocation-Type").orElse("RequestResponse");
        return switch (type) {
            case "RequestResponse" -> run(handler.get(), LocalRuntime.timeout(name), payload);
            case "Event" -> {
                // fire and forget, as Lambda's asynchronous invocation (no retries, no destination here)
                Thread.ofVirtual().name("invoke-" + name).start(() -> run(handler.get(), LocalRuntime.timeout(name), payload));
                yield HttpResponse.empty(202);
            }
            case "DryRun" -> HttpResponse.empty(204);
            default -> serviceError(400, "InvalidParameterValueException",
                    "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, not " + type);
        };
    }

    /**
     * {@code Initialize}, {@code flagstep-Initialize}, {@code arn:...:function:flagstep-Initialize} and
     * {@code arn:...:function:flagstep-Initialize:live} all name the Initialize handler.
     */
    static String shortName(String nameOrArn) {
        String name = nameOrArn;
        int function = name.indexOf(":function:");
        if (name.startsWith("arn:") && function >= 0) {
            name = name.substring(function + ":function:".length());
            int qualifier = name.indexOf(':');
            if (qualifier >= 0) {
                name = name.substring(0, qualifier);
            }
        }
        return name.startsWith("flagstep-") ? name.substring("flagstep-".length()) : name;
    }

    private static HttpResponse run(PhaseHandler handler, Duration timeout, JsonNode payload) {
        try {
            return ok(handler.handle(payload, timeout).toString());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "function error", e);
            // the error type the interpreter gives the same failure, so Retry/Catch match alike on both paths
            TaskFailure failure = TaskFailure.of(e);
            ObjectNode error = JSON.createObjectNode()
                    .put("errorMessage", failure.errorCause())
                    .put("errorType", failure.error());
            return ok(error.toString()).withHeader("X-Amz-Function-Error", "Unhandled");
        }
    }

    private static HttpResponse ok(String body) {
        return new HttpResponse(200, Map.of("Content-Type", "application/json", "X-Amz-Executed-Version", "$LATEST"), body);
    }

    private static HttpResponse serviceError(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode().put("Type", "User").put("message", message);
        return new HttpResponse(status, Map.of("Content-Type", "application/json", "x-amzn-ErrorType", type), body.toString());
    }
}

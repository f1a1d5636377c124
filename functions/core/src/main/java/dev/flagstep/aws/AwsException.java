package dev.flagstep.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Set;

/**
 * A failed AWS call: the service's error answer (HTTP status, error code, message), or no answer at all
 * ({@link #status()} 0: the network, or the credentials could not be resolved). {@link #retryable()} is
 * what the SDK's standard retry mode retries: throttling, 5xx, and calls that got no answer.
 */
public class AwsException extends RuntimeException {

    /** The error codes AWS services answer when they shed load (the SDK's list). */
    static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
            "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
            "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException");
    /** Error codes of requests that timed out on the service's side: worth another try. */
    static final Set<String> TRANSIENT = Set.of("RequestTimeout", "RequestTimeoutException", "InternalError",
            "InternalServerError", "ServiceUnavailable");
    static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 500, 502, 503, 504);

    private final String operation;
    private final int status;
    private final String errorCode;
    private final transient JsonNode body;

    public AwsException(String operation, int status, String errorCode, String message, Throwable cause) {
        this(operation, status, errorCode, message, cause, MissingNode.getInstance());
    }

    public AwsException(String operation, int status, String errorCode, String message, Throwable cause, JsonNode body) {
        super(message, cause);
        this.operation = operation;
        this.status = status;
        this.errorCode = errorCode;
        this.body = body;
    }

    /** The copy of a service error as a more specific type; same operation, status, code, message and body. */
    protected AwsException(AwsException e) {
        this(e.operation, e.status, e.errorCode, e.getMessage(), e.getCause(), e.body);
    }

    /** The error answer's document (a missing node when there was none): some errors carry details. */
    public JsonNode body() {
        return body;
    }

    /** e.g. {@code DynamoDB_20120810.UpdateItem}. */
    public String operation() {
        return operation;
    }

    /** The HTTP status; 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The error code without its namespace ({@code ConditionalCheckFailedException}); empty when none came. */
    public String errorCode() {
        return errorCode;
    }

    public boolean throttling() {
        return status == 429 || THROTTLING.contains(errorCode);
    }

    /** The call never got an answer (network, or no credentials). */
    public boolean unanswered() {
        return status == 0;
    }

    public boolean retryable() {
        return unanswered() || throttling() || RETRYABLE_STATUS.contains(status) || TRANSIENT.contains(errorCode);
    }
}

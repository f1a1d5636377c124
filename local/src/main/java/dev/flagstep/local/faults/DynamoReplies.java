package dev.flagstep.local.faults;

import java.util.Map;

/**
 * What DynamoDB answers when it cannot take a request, on the wire (the client turns each into an
 * AwsException with its code, retries it as it would in AWS, and then throws it): for {@link FaultProxy#answer}.
 */
public final class DynamoReplies {

    private static final String JSON = "application/x-amz-json-1.0";

    private DynamoReplies() {}

    /** A table's (or an on-demand table's per-partition) throughput was exceeded. */
    public static FaultProxy.Reply throughputExceeded() {
        return error(400, "Bad Request", "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded.");
    }

    /** The account's or the control plane's request rate was exceeded. */
    public static FaultProxy.Reply throttling() {
        return error(400, "Bad Request", "com.amazon.coral.availability#ThrottlingException",
                "Rate of requests exceeds the allowed throughput.");
    }

    /** A 500 from the service. */
    public static FaultProxy.Reply internalServerError() {
        return error(500, "Internal Server Error", "com.amazonaws.dynamodb.v20120810#InternalServerError",
                "Internal server error");
    }

    private static FaultProxy.Reply error(int status, String reason, String type, String message) {
        String body = "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
        return new FaultProxy.Reply(status, reason, Map.of("Content-Type", JSON, "x-amzn-RequestId", "flagstep-fault"), body);
    }
}

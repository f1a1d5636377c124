package dev.flagstep.aws;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * An AWS service reached with the AWS JSON protocol: its SigV4 signing name, the first label of its
 * endpoint, the prefix of its {@code X-Amz-Target} header and its JSON version (botocore's model
 * metadata: {@code signingName}, {@code endpointPrefix}, {@code targetPrefix}, {@code jsonVersion}).
 */
public record AwsService(String signingName, String endpointPrefix, String targetPrefix, String jsonVersion, String envId) {

    public static final AwsService DYNAMODB = new AwsService("dynamodb", "dynamodb", "DynamoDB_20120810", "1.0", "DYNAMODB");
    public static final AwsService STEP_FUNCTIONS = new AwsService("states", "states", "AWSStepFunctions", "1.0", "SFN");
    public static final AwsService EVENTBRIDGE = new AwsService("events", "events", "AWSEvents", "1.1", "EVENTBRIDGE");
    public static final AwsService SECRETS_MANAGER =
            new AwsService("secretsmanager", "secretsmanager", "secretsmanager", "1.1", "SECRETS_MANAGER");
    /** CloudWatch answers the JSON 1.0 protocol besides Query and CBOR (botocore's {@code protocols}). */
    public static final AwsService CLOUDWATCH =
            new AwsService("monitoring", "monitoring", "GraniteServiceVersion20100801", "1.0", "CLOUDWATCH");

    /** The regional endpoint, {@code https://{prefix}.{region}.amazonaws.com} ({@code .com.cn} in the China regions). */
    public URI endpoint(String region) {
        String suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
        return URI.create("https://" + endpointPrefix + "." + region + "." + suffix);
    }

    /**
     * The endpoint as the SDK picks it from the environment: {@code AWS_ENDPOINT_URL_{envId}} (e.g.
     * {@code AWS_ENDPOINT_URL_SFN}), then {@code AWS_ENDPOINT_URL}, then the region's.
     */
    public URI endpoint(String region, Map<String, String> env) {
        return Optional.ofNullable(env.get("AWS_ENDPOINT_URL_" + envId))
                .or(() -> Optional.ofNullable(env.get("AWS_ENDPOINT_URL")))
                .map(String::strip).filter(u -> !u.isEmpty())
                .map(URI::create)
                .orElseGet(() -> endpoint(region));
    }

    String contentType() {
        return "application/x-amz-json-" + jsonVersion;
    }
}

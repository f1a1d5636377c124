package dev.flagstep.local.cli.remote;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * {@code --stack NAME}: a deployed stack's outputs (template.yaml), read with CloudFormation's DescribeStacks: the
 * API URL ({@value #API_URL_OUTPUT}) for the API commands, the doctor's function ({@value #DOCTOR_OUTPUT}).
 */
@FunctionalInterface
public interface StackOutputs {

    String API_URL_OUTPUT = "ApiUrl";
    String DOCTOR_OUTPUT = "DoctorFunctionName";
    /** Where the stack's outputs are: "not deployed yet" reads differently from "not flagstep's". */
    String STATUS = "(status)";

    /** Every output of the stack by key, and its status under {@value #STATUS}. */
    Map<String, String> outputs(String stack, String region, AwsCredentialsProvider credentials);

    default URI apiUrl(String stack, String region, AwsCredentialsProvider credentials) {
        return ApiTarget.parse(output(stack, API_URL_OUTPUT, region, credentials));
    }

    /** One output; a stack without it is not a flagstep stack (or not deployed from this version). */
    default String output(String stack, String key, String region, AwsCredentialsProvider credentials) {
        Map<String, String> outputs = outputs(stack, region, credentials);
        String value = outputs.get(key);
        if (value == null || value.isBlank()) {
            throw new ApiFailure.Unreachable("stack " + stack + " in " + region + " has no " + key + " output (status "
                    + outputs.getOrDefault(STATUS, "unknown") + "): is it a flagstep stack, deployed?");
        }
        return value;
    }

    /** The SDK's CloudFormation client, at {@code endpoint} when given (moto, LocalStack). */
    static StackOutputs cloudFormation(Optional<URI> endpoint) {
        return (stack, region, credentials) -> {
            var builder = CloudFormationClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                    .httpClient(UrlConnectionHttpClient.create());
            endpoint.ifPresent(builder::endpointOverride);
            try (CloudFormationClient cfn = builder.build()) {
                Stack s = cfn.describeStacks(r -> r.stackName(stack)).stacks().stream().findFirst()
                        .orElseThrow(() -> new ApiFailure.Unreachable("no stack " + stack + " in " + region));
                Map<String, String> out = new TreeMap<>();
                s.outputs().forEach(o -> out.put(o.outputKey(), o.outputValue()));
                out.put(STATUS, s.stackStatusAsString());
                return out;
            } catch (CloudFormationException e) {
                String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
                throw new ApiFailure.Unreachable("cannot read stack " + stack + " in " + region + ": " + message);
            } catch (SdkClientException e) {
                throw new ApiFailure.Unreachable("cannot read stack " + stack + " in " + region + ": " + ApiFailure.reason(e));
            }
        };
    }
}

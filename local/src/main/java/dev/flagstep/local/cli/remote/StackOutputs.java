package dev.flagstep.local.cli.remote;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * {@code --stack NAME}: the API URL a deployed stack publishes as its {@value #API_URL_OUTPUT} output
 * (template.yaml), read with CloudFormation's DescribeStacks.
 */
@FunctionalInterface
public interface StackOutputs {

    String API_URL_OUTPUT = "ApiUrl";

    URI apiUrl(String stack, String region, AwsCredentialsProvider credentials);

    /** The SDK's CloudFormation client, at {@code endpoint} when given (moto, LocalStack). */
    static StackOutputs cloudFormation(Optional<URI> endpoint) {
        return (stack, region, credentials) -> {
            var builder = CloudFormationClient.builder().region(Region.of(region)).credentialsProvider(credentials)
                    .httpClient(UrlConnectionHttpClient.create());
            endpoint.ifPresent(builder::endpointOverride);
            try (CloudFormationClient cfn = builder.build()) {
                Stack s = cfn.describeStacks(r -> r.stackName(stack)).stacks().stream().findFirst()
                        .orElseThrow(() -> new ApiFailure.Unreachable("no stack " + stack + " in " + region));
                String url = s.outputs().stream().filter(o -> API_URL_OUTPUT.equals(o.outputKey())).map(Output::outputValue)
                        .findFirst().orElseThrow(() -> new ApiFailure.Unreachable("stack " + stack + " in " + region + " has no "
                                + API_URL_OUTPUT + " output (status " + s.stackStatusAsString() + "): is it a flagstep stack, deployed?"));
                return ApiTarget.parse(url);
            } catch (CloudFormationException e) {
                String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
                throw new ApiFailure.Unreachable("cannot read stack " + stack + " in " + region + ": " + message);
            } catch (SdkClientException e) {
                throw new ApiFailure.Unreachable("cannot read stack " + stack + " in " + region + ": " + ApiFailure.reason(e));
            }
        };
    }
}

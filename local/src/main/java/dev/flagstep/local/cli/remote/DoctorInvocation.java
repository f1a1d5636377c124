package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.doctor.Finding;
import dev.flagstep.doctor.Findings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * {@code flagstep doctor --stack NAME}: invokes the stack's DoctorFunction (its {@value StackOutputs#DOCTOR_OUTPUT}
 * output) with Lambda's Invoke API, SigV4-signed for {@code lambda}, and reads its findings. The function runs the
 * checks with a role in the phases' Kubernetes group, from where the phases run.
 */
public final class DoctorInvocation {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The function's timeout (template.yaml) and a margin. */
    private static final Duration TIMEOUT = Duration.ofSeconds(130);

    private DoctorInvocation() {
    }

    public static List<Finding> run(ApiTarget.Options o, RemoteEnvironment env, StackOutputs stacks) {
        String stack = o.stack().orElseThrow();
        String region = ApiTarget.region(o, Optional.empty(), env).orElseThrow(() -> new ApiTarget.BadOptions(
                "--stack needs a region: --region, AWS_REGION or the profile's region"));
        AwsCredentialsProvider credentials = env.credentials().apply(o.profile());
        String function = stacks.output(stack, StackOutputs.DOCTOR_OUTPUT, region, credentials);
        URI base = Optional.ofNullable(env.env().get("AWS_ENDPOINT_URL_LAMBDA")).filter(s -> !s.isBlank()).map(URI::create)
                .orElse(URI.create("https://lambda." + region + ".amazonaws.com" + (region.startsWith("cn-") ? ".cn" : "")));
        URI uri = URI.create(base + "/2015-03-31/functions/" + URLEncoder.encode(function, StandardCharsets.UTF_8) + "/invocations");
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("Content-Type", "application/json");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        new RequestSigner.SigV4(credentials, region, env.clock(), "lambda").sign("POST", uri, headers, body)
                .forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        HttpResponse<String> response;
        try {
            response = env.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiFailure.Unreachable("cannot invoke " + function + " in " + region + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiFailure.Unreachable("interrupted while invoking " + function);
        }
        String what = "Lambda Invoke of " + function + " answered " + response.statusCode();
        if (response.statusCode() != 200) {
            throw new ApiFailure.Unreachable(what + ": " + response.body()
                    + (response.statusCode() == 403 ? " (the caller needs lambda:InvokeFunction on it)" : ""));
        }
        if (response.headers().firstValue("X-Amz-Function-Error").isPresent()) {
            throw new ApiFailure.Unreachable("the doctor function failed: " + response.body() + " (its log group is /aws/lambda/"
                    + stack + "/Doctor)");
        }
        try {
            return Findings.fromJson(JSON.readTree(response.body()));
        } catch (IOException | IllegalArgumentException e) {
            throw new ApiFailure.Unreachable(what + " with an answer that is not the doctor's: " + response.body());
        }
    }
}

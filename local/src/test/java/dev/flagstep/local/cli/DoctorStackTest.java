package dev.flagstep.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.flagstep.local.cli.remote.RemoteEnvironment;
import dev.flagstep.local.cli.remote.StackOutputs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code flagstep doctor --stack}: the stack's DoctorFunction, found by its output, invoked through a loopback Lambda
 * Invoke API that checks the signed request; its findings printed as the local doctor prints them.
 */
class DoctorStackTest {

    static final String FUNCTION = "flagstep-DoctorFunction-AbC123";
    HttpServer lambda;
    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile int status = 200;
    volatile String answer = """
            {"findings":[{"verdict":"PASS","subject":"api server","message":"reachable"},
             {"verdict":"FAIL","subject":"eks access","message":"role arn:aws:iam::1:role/r has no access entry on cluster prod",
              "fix":"aws eks create-access-entry --cluster-name prod --principal-arn arn:aws:iam::1:role/r --kubernetes-groups flagstep-canaries"}],
             "failed":1}""";
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        lambda = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        lambda.createContext("/", x -> {
            requests.add(x.getRequestMethod() + " " + x.getRequestURI().getRawPath() + " " + x.getRequestHeaders().getFirst("Authorization"));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        lambda.start();
    }

    @AfterEach
    void stop() {
        lambda.stop(0);
    }

    private int doctor(StackOutputs stacks, String... argv) {
        RemoteEnvironment env = new RemoteEnvironment(
                Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:" + lambda.getAddress().getPort()),
                profile -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                profile -> Optional.empty(), Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC), d -> { },
                false, Optional.empty(), RemoteEnvironment.httpClient());
        return new DoctorCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, stacks).run(List.of(argv));
    }

    static final StackOutputs STACK = (stack, region, credentials) -> Map.of(StackOutputs.DOCTOR_OUTPUT, FUNCTION, "ApiUrl", "https://x");

    @Test
    void theStacksDoctorFunctionIsInvokedSignedAndItsFindingsPrinted() {
        assertThat(doctor(STACK, "--stack", "flagstep")).isEqualTo(1);

        assertThat(requests).singleElement().satisfies(r -> assertThat(r)
                .startsWith("POST /2015-03-31/functions/" + FUNCTION + "/invocations AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261205/eu-west-1/lambda/aws4_request"));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(String.join(System.lineSeparator(),
                "PASS  api server               reachable",
                "FAIL  eks access               role arn:aws:iam::1:role/r has no access entry on cluster prod",
                "      fix: aws eks create-access-entry --cluster-name prod --principal-arn arn:aws:iam::1:role/r --kubernetes-groups flagstep-canaries",
                "1 problem found", ""));
    }

    @Test
    void aStackWithoutTheDoctorOrAFailedInvocationIsOneLineAndExitThree() {
        StackOutputs old = (stack, region, credentials) -> Map.of("ApiUrl", "https://x", "(status)", "UPDATE_COMPLETE");
        assertThat(doctor(old, "--stack", "flagstep")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("flagstep doctor: stack flagstep in eu-west-1 has no"
                + " DoctorFunctionName output (status UPDATE_COMPLETE): is it a flagstep stack, deployed?" + System.lineSeparator());

        err.reset();
        status = 403;
        answer = "{\"Message\":\"User is not authorized to perform: lambda:InvokeFunction\"}";
        assertThat(doctor(STACK, "--stack", "flagstep")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("flagstep doctor: Lambda Invoke of " + FUNCTION + " answered 403")
                .contains("(the caller needs lambda:InvokeFunction on it)");
    }

    @Test
    void localOptionsWithStackAreAUsageError() {
        assertThat(Main.run(List.of("doctor", "--stack", "s", "--file", "c.yaml"), new PrintStream(out), new PrintStream(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("flagstep: --file is for the local doctor");
    }

}

package dev.flagstep.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.flagstep.local.cli.remote.ApiVerb;
import dev.flagstep.local.cli.remote.RemoteEnvironment;
import dev.flagstep.local.cli.remote.StackOutputs;
import dev.flagstep.testing.MotoServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * {@code --stack NAME}: the API URL is the stack's {@code ApiUrl} output, read with DescribeStacks from a moto server
 * (skipped, saying so, where moto is not installed); a stack without that output or no such stack is one line, exit 3.
 */
class CliStackTest {

    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    static URI moto;

    @BeforeAll
    static void moto() {
        Assumptions.assumeTrue(MotoServer.available(), () -> "skipped: no moto server here: " + MotoServer.unavailable().orElse(""));
        moto = MotoServer.shared().endpoint();
    }

    static void createStack(String name, String apiUrl) {
        String outputs = apiUrl.isEmpty() ? "" : ",\"Outputs\":{\"ApiUrl\":{\"Value\":\"" + apiUrl + "\"}}";
        try (CloudFormationClient cfn = CloudFormationClient.builder().endpointOverride(moto).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build()) {
            cfn.createStack(r -> r.stackName(name).templateBody("{\"Resources\":{\"Queue\":{\"Type\":\"AWS::SQS::Queue\"}}"
                    + outputs + "}"));
        }
    }

    record Result(int exit, String out, String err) {}

    /** A command with the region's credentials from the test, CloudFormation at moto. */
    static Result cli(String verb, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RemoteEnvironment env = new RemoteEnvironment(Map.of(), profile -> CREDENTIALS, profile -> Optional.empty(),
                Clock.fixed(Instant.parse("2026-11-24T06:10:00Z"), ZoneOffset.UTC), d -> {}, false, Optional.of(moto),
                RemoteEnvironment.httpClient());
        ApiVerb v = ApiVerb.all().stream().filter(x -> x.name().equals(verb)).findFirst().orElseThrow();
        int exit = new ApiCommand(v, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, StackOutputs.cloudFormation(env.cloudFormationEndpoint())).run(List.of(argv));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theCommandsTalkToTheApiTheStackNamesInItsOutputs() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/", x -> {
            seen.set(x.getRequestMethod() + " " + x.getRequestURI().getPath());
            byte[] body = "{\"canaries\":[{\"namespace\":\"test\",\"name\":\"podinfo\",\"specVersion\":1,\"status\":null,\"activeRun\":null}]}"
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        api.start();
        try {
            createStack("flagstep-cli-found", "http://127.0.0.1:" + api.getAddress().getPort());

            Result r = cli("list", "--stack", "flagstep-cli-found", "--region", "us-east-1");

            assertThat(r.exit()).as("%s", r).isZero();
            assertThat(seen.get()).isEqualTo("GET /canaries");
            assertThat(r.out()).contains("test/podinfo");
        } finally {
            api.stop(0);
        }
    }

    @Test
    void aStackWithoutTheOutputOrNoStackIsOneLineAndExitThree() {
        createStack("flagstep-cli-other", "");

        Result noOutput = cli("list", "--stack", "flagstep-cli-other", "--region", "us-east-1");
        Result noStack = cli("list", "--stack", "flagstep-cli-missing", "--region", "us-east-1");

        assertThat(noOutput.exit()).isEqualTo(3);
        assertThat(noOutput.err()).startsWith("flagstep list: stack flagstep-cli-other in us-east-1 has no ApiUrl output");
        assertThat(noStack.exit()).isEqualTo(3);
        assertThat(noStack.err()).startsWith("flagstep list: cannot read stack flagstep-cli-missing in us-east-1: ")
                .contains("does not exist").hasLineCount(1);
    }

    @Test
    void stackNeedsARegion() {
        Result r;
        try {
            r = cli("list", "--stack", "flagstep-cli-found");
        } catch (Args.UsageException e) {
            assertThat(e.getMessage()).isEqualTo("--stack needs a region: --region, AWS_REGION or the profile's region");
            return;
        }
        throw new AssertionError("expected a usage error, got " + r);
    }
}

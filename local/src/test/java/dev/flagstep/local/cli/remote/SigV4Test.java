package dev.flagstep.local.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.local.cli.remote.ScriptedApi.Reply;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * Requests to a deployed API are SigV4-signed for execute-api with the SDK's signer: a loopback server receives
 * them and checks the Authorization header, and recomputes the signature from what arrived on the wire (so the
 * Host and body the signer saw are the ones sent). Static test credentials and a fixed signing clock: no AWS,
 * no dependence on today's date.
 */
class SigV4Test {

    final TestEnvironment test = new TestEnvironment();

    @Test
    void everyRequestCarriesAnExecuteApiSignatureOverHostAndDateThatVerifiesOnTheReceivedRequest() throws Exception {
        try (ScriptedApi api = new ScriptedApi()) {
            api.on("POST /canaries/test/podinfo/gates/confirm-promotion/open",
                    Reply.json("{\"gate\":\"confirm-promotion\",\"open\":true,\"resumedRollout\":false}"));
            Clock clock = Clock.fixed(TestEnvironment.NOW, ZoneOffset.UTC);
            ApiClient client = new ApiClient(api.url(), new RequestSigner.SigV4(TestEnvironment.basic(), "eu-west-1", clock),
                    RemoteEnvironment.httpClient());

            client.postJson("/canaries/test/podinfo/gates/confirm-promotion/open",
                    ApiClient.JSON.createObjectNode().put("reason", "looks good"));

            ScriptedApi.Request received = api.requests.getFirst();
            String authorization = received.headers().getFirst("Authorization");
            assertThat(authorization).matches("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/eu-west-1/execute-api/aws4_request, "
                    + "SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}");
            String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]+),.*", "$1");
            assertThat(signedHeaders.split(";")).contains("host", "x-amz-date", "content-type");
            assertThat(received.headers().getFirst("X-Amz-Date")).isEqualTo("20261124T061000Z");

            // the signature the SDK computes for the request as received equals the one sent
            SdkHttpRequest.Builder again = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
                    .uri(URI.create(api.url() + received.pathAndQuery()));
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            received.headers().forEach((k, v) -> headers.put(k, v.getFirst()));
            for (String name : signedHeaders.split(";")) {
                if (!name.equals("host") && !name.equals("x-amz-date")) {
                    again.putHeader(name, headers.get(name));
                }
            }
            again.putHeader("Host", headers.get("Host"));
            String expected = AwsV4HttpSigner.create().sign(r -> r.identity(TestEnvironment.basic().resolveCredentials())
                            .request(again.build()).payload(ContentStreamProvider.fromByteArrayUnsafe(received.body()))
                            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                            .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                            .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock))
                    .request().firstMatchingHeader("Authorization").orElseThrow();
            assertThat(authorization).isEqualTo(expected);
        }
    }

    @Test
    void sessionCredentialsSendTheirToken() throws Exception {
        try (ScriptedApi api = new ScriptedApi()) {
            api.on("GET /canaries", Reply.json("{\"canaries\":[]}"));
            var env = test.env();
            ApiClient client = new ApiClient(api.url(), new RequestSigner.SigV4(env.credentials().apply(Optional.empty()),
                    "us-east-1", env.clock()), env.http());

            client.get("/canaries");

            assertThat(api.requests.getFirst().headers().getFirst("X-Amz-Security-Token")).isEqualTo("session-token");
        }
    }

    @Test
    void noCredentialsIsOneClearLineAndNoRequest() throws Exception {
        try (ScriptedApi api = new ScriptedApi()) {
            AwsCredentialsProvider none = () -> {
                throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
            };
            ApiClient client = new ApiClient(api.url(), new RequestSigner.SigV4(none, "us-east-1", test.env().clock()),
                    RemoteEnvironment.httpClient());

            assertThatThrownBy(() -> client.get("/canaries"))
                    .isInstanceOfSatisfying(ApiFailure.Unreachable.class, f -> {
                        assertThat(f.exitCode()).isEqualTo(3);
                        assertThat(f.lines()).singleElement().asString()
                                .startsWith("no AWS credentials to sign the request to 127.0.0.1: Unable to load credentials");
                    });
            assertThat(api.requests).isEmpty();
        }
    }

    @Test
    void aDeployedApiIsSignedInTheRegionOfItsHostAndServeOnLoopbackIsNot() {
        var env = test.env();
        StackOutputs noStacks = (s, r, c) -> {
            throw new AssertionError("no stack lookup expected");
        };

        ApiClient aws = ApiTarget.connect(new ApiTarget.Options(Optional.of("https://abc123.execute-api.eu-west-1.amazonaws.com"),
                Optional.empty(), Optional.empty(), Optional.empty()), env, noStacks);
        ApiClient regionGiven = ApiTarget.connect(new ApiTarget.Options(Optional.of("https://api.example.com/flagstep"),
                Optional.empty(), Optional.empty(), Optional.of("ap-south-1")), env, noStacks);
        ApiClient serve = ApiTarget.connect(new ApiTarget.Options(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), env, noStacks);
        ApiClient fromEnv = ApiTarget.connect(new ApiTarget.Options(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()), test.env(Map.of("FLAGSTEP_API", "http://localhost:9000"), false, Optional.empty()), noStacks);

        assertThat(aws.signer()).isInstanceOfSatisfying(RequestSigner.SigV4.class, s -> assertThat(s.region()).isEqualTo("eu-west-1"));
        assertThat(regionGiven.signer()).isInstanceOfSatisfying(RequestSigner.SigV4.class, s -> assertThat(s.region()).isEqualTo("ap-south-1"));
        assertThat(serve.base()).hasToString("http://127.0.0.1:8080");
        assertThat(serve.signer()).isInstanceOf(RequestSigner.Unsigned.class);
        assertThat(fromEnv.base()).hasToString("http://localhost:9000");
        assertThat(fromEnv.signer()).isInstanceOf(RequestSigner.Unsigned.class);
        assertThatThrownBy(() -> ApiTarget.connect(new ApiTarget.Options(Optional.of("https://api.example.com"), Optional.empty(),
                Optional.empty(), Optional.empty()), env, noStacks))
                .isInstanceOf(ApiTarget.BadOptions.class).hasMessageContaining("give --region");
    }
}

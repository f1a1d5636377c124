package dev.flagstep.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.flagstep.kubernetes.EksApi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The EKS side of access, read from a loopback EKS API that answers what each test sets. */
class ClusterAccessTest {

    static final String ANALYSIS = "arn:aws:iam::123456789012:role/flagstep-AnalysisFunctionRole";
    static final String SYNC = "arn:aws:iam::123456789012:role/flagstep-SyncFunctionRole";

    HttpServer eks;
    final Map<String, String> answers = new ConcurrentHashMap<>();
    final List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        eks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        eks.createContext("/", x -> {
            authorizations.add(x.getRequestHeaders().getFirst("Authorization"));
            String body = answers.get(x.getRequestURI().getRawPath());
            byte[] bytes = (body == null ? "{\"message\":\"not found\"}" : body).getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            x.getResponseBody().write(bytes);
            x.close();
        });
        eks.start();
    }

    @AfterEach
    void stop() {
        eks.stop(0);
    }

    private List<Finding> check() {
        EksApi api = new EksApi(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + eks.getAddress().getPort()),
                "eu-west-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC), Duration.ofSeconds(5));
        return ClusterAccess.check(api, "prod", List.of(ANALYSIS, SYNC));
    }

    private void cluster(String mode) {
        answers.put("/clusters/prod", "{\"cluster\":{\"name\":\"prod\",\"accessConfig\":{\"authenticationMode\":\"" + mode + "\"}}}");
    }

    private void entry(String role, String groups) {
        answers.put("/clusters/prod/access-entries/" + java.net.URLEncoder.encode(role, StandardCharsets.UTF_8),
                "{\"accessEntry\":{\"principalArn\":\"" + role + "\",\"kubernetesGroups\":" + groups + "}}");
    }

    @Test
    void everyRoleWithAnEntryInFlagstepsGroupPasses() {
        cluster("API_AND_CONFIG_MAP");
        entry(ANALYSIS, "[\"flagstep-canaries\"]");
        entry(SYNC, "[\"flagstep-canaries\"]");

        assertThat(check()).containsExactly(Finding.pass("eks access",
                "2 of 2 roles have an access entry in group flagstep-canaries (authentication mode API_AND_CONFIG_MAP)"));
        assertThat(authorizations).as("every call signed for eks").allSatisfy(a ->
                assertThat(a).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261205/eu-west-1/eks/aws4_request"));
    }

    @Test
    void aRoleWithoutAnEntryOrInAnotherGroupFailsWithTheCommandThatFixesIt() {
        cluster("API");
        entry(SYNC, "[\"developers\"]");

        assertThat(check()).containsExactly(
                Finding.fail("eks access", "role " + ANALYSIS + " has no access entry on cluster prod: the API server refuses its calls",
                        "aws eks create-access-entry --cluster-name prod --principal-arn " + ANALYSIS
                                + " --kubernetes-groups flagstep-canaries"),
                Finding.fail("eks access", "role " + SYNC + " is in Kubernetes groups [developers], not flagstep-canaries, which"
                                + " flagstep's RBAC binds",
                        "aws eks update-access-entry --cluster-name prod --principal-arn " + SYNC
                                + " --kubernetes-groups flagstep-canaries"));
    }

    @Test
    void aConfigMapOnlyClusterIsAWarningAndNoEntryIsAskedFor() {
        cluster("CONFIG_MAP");

        assertThat(check()).singleElement().satisfies(f -> {
            assertThat(f.verdict()).isEqualTo(Finding.Verdict.WARN);
            assertThat(f.fix()).contains("aws eks update-cluster-config --name prod --access-config authenticationMode=API_AND_CONFIG_MAP");
        });
        assertThat(authorizations).hasSize(1);
    }

    @Test
    void aMissingClusterNamesTheParameter() {
        assertThat(check()).singleElement().satisfies(f -> {
            assertThat(f.verdict()).isEqualTo(Finding.Verdict.FAIL);
            assertThat(f.message()).isEqualTo("no EKS cluster prod in this account and region");
        });
    }
}

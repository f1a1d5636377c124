package dev.flagstep.kubernetes;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.flagstep.testing.KubeMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EksAccessTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    WireMockServer eks;

    @BeforeEach
    void start() {
        eks = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        eks.start();
    }

    @AfterEach
    void stop() {
        eks.stop();
    }

    @Test
    void describesTheClusterOnceWithASignedRequestAndSendsEksTokens() {
        // the API is the local double over http (no CA needed for http); DescribeCluster gives its URL
        String caData = Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.UTF_8));
        eks.stubFor(get(urlEqualTo("/clusters/prod")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"cluster\":{\"name\":\"prod\",\"endpoint\":\"" + kube.url() + "\",\"certificateAuthority\":{\"data\":\"" + caData + "\"}}}")));
        EksAccess access = new EksAccess(Map.of(EksCluster.NAME_VAR, "prod", "AWS_REGION", "eu-west-1"),
                EksTokenTest.CREDS, new EksTokenTest.FakeClock(Instant.parse("2026-11-24T10:00:00Z")),
                Optional.of(URI.create(eks.baseUrl())));
        assertThat(eks.getAllServeEvents()).as("nothing is called before first use").isEmpty();

        KubeClient client = access.client();
        assertThat(access.client()).isSameAs(client);
        client.get(ResourceKind.SERVICE.ref("test", "podinfo"));

        eks.verify(1, getRequestedFor(urlEqualTo("/clusters/prod"))
                .withHeader("Authorization", containing("Credential=AKIDEXAMPLE/20261124/eu-west-1/eks/aws4_request"))
                .withHeader("Authorization", matching(".*SignedHeaders=[^,]*host.*"))
                .withHeader("X-Amz-Date", WireMock.equalTo("20261124T100000Z")));
        assertThat(client.endpoint().server()).isEqualTo(kube.url());
        assertThat(client.endpoint().token().current().orElseThrow()).startsWith("k8s-aws-v1.");
    }

    @Test
    void endpointAndCaFromTheEnvironmentNeedNoAwsCall() {
        EksAccess access = new EksAccess(Map.of(EksCluster.NAME_VAR, "prod", "AWS_REGION", "eu-west-1",
                EksCluster.ENDPOINT_VAR, kube.url().toString(), EksCluster.CA_VAR, "Zm9v"),
                EksTokenTest.CREDS, new EksTokenTest.FakeClock(Instant.EPOCH), Optional.of(URI.create(eks.baseUrl())));

        assertThat(access.client().get(ResourceKind.SERVICE.ref("test", "x"))).isEmpty();
        assertThat(eks.getAllServeEvents()).isEmpty();
    }

    @Test
    void describeClusterDeniedSaysWhatToGrant() {
        eks.stubFor(get(urlEqualTo("/clusters/prod")).willReturn(aResponse().withStatus(403).withBody("{\"message\":\"not authorized\"}")));
        EksAccess access = new EksAccess(Map.of(EksCluster.NAME_VAR, "prod", "AWS_REGION", "eu-west-1"),
                EksTokenTest.CREDS, new EksTokenTest.FakeClock(Instant.EPOCH), Optional.of(URI.create(eks.baseUrl())));

        assertThatThrownBy(access::client).isInstanceOf(KubeException.Rejected.class)
                .hasMessageContaining("eks:DescribeCluster prod in eu-west-1 answered 403")
                .hasMessageContaining("grant eks:DescribeCluster, or set FLAGSTEP_EKS_ENDPOINT and FLAGSTEP_EKS_CA_DATA");
    }

    /** EKS throttling DescribeCluster (429) passes by itself: Unavailable, which a phase retries. */
    @Test
    void describeClusterThrottledIsUnavailableNotRejected() {
        eks.stubFor(get(urlEqualTo("/clusters/prod")).willReturn(aResponse().withStatus(429)
                .withBody("{\"message\":\"Rate exceeded\"}")));
        EksAccess access = new EksAccess(Map.of(EksCluster.NAME_VAR, "prod", "AWS_REGION", "eu-west-1"),
                EksTokenTest.CREDS, new EksTokenTest.FakeClock(Instant.EPOCH), Optional.of(URI.create(eks.baseUrl())));

        assertThatThrownBy(access::client).isInstanceOf(KubeException.Unavailable.class)
                .hasMessageContaining("eks:DescribeCluster prod in eu-west-1 answered 429");
    }

    @Test
    void missingClusterNameIsAClearError() {
        EksAccess access = new EksAccess(Map.of("AWS_REGION", "eu-west-1"), EksTokenTest.CREDS,
                new EksTokenTest.FakeClock(Instant.EPOCH), Optional.empty());
        assertThatThrownBy(access::client).hasMessageContaining("FLAGSTEP_EKS_CLUSTER is not set");
    }
}

package dev.flagstep.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The Lambda credentials chain reaches the container credentials endpoint the way SnapStart functions get
 * their role (a loopback endpoint here, named by the SDK's system properties, which stand for the
 * environment variables a test cannot set). The environment-variable branch is the SDK's provider as is.
 */
class AwsSettingsTest {

    private HttpServer server;
    private final List<String> authorizations = new ArrayList<>();

    @BeforeEach
    void noKeysInTheEnvironment() {
        // with keys in the environment the chain answers with them first, as Lambda without SnapStart does
        assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null && System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") == null);
    }

    @AfterEach
    void stop() {
        System.clearProperty("aws.containerCredentialsFullUri");
        System.clearProperty("aws.containerAuthorizationToken");
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void snapStartCredentialsComeFromTheContainerEndpointWithItsToken() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/2018-06-01/credentials", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = """
                    {"AccessKeyId": "ASIAROLE", "SecretAccessKey": "role-secret", "Token": "role-session",
                     "Expiration": "2100-01-01T00:00:00Z"}""".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.setProperty("aws.containerCredentialsFullUri",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/2018-06-01/credentials");
        System.setProperty("aws.containerAuthorizationToken", "container-token");

        AwsCredentialsIdentity credentials = AwsSettings.fromEnvironment(java.util.Map.of("AWS_REGION", "eu-west-1"))
                .credentials().resolveCredentials();

        assertThat(credentials.accessKeyId()).isEqualTo("ASIAROLE");
        assertThat(credentials.secretAccessKey()).isEqualTo("role-secret");
        assertThat(credentials).isInstanceOfSatisfying(AwsSessionCredentials.class,
                s -> assertThat(s.sessionToken()).isEqualTo("role-session"));
        assertThat(authorizations).containsExactly("container-token");
    }

    @Test
    void withNeitherSourceTheCallFailsNamingBoth() {
        assertThatThrownBy(() -> AwsSettings.lambdaCredentials().resolveCredentials())
                .isInstanceOf(SdkClientException.class)
                .hasMessageContaining("EnvironmentVariableCredentialsProvider")
                .hasMessageContaining("ContainerCredentialsProvider");
    }
}

package dev.flagstep.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.RetryPolicy;
import dev.flagstep.metrics.FakeHttpServer.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SecretResolverTest {

    static final String ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prom-auth-AbCdEf";

    @Test
    void localSecretsComeFromEnvironmentVariables() {
        LocalSecretResolver resolver = new LocalSecretResolver(Map.of(
                "FLAGSTEP_SECRET_PROM_AUTH_TOKEN", "t0k3n",
                "FLAGSTEP_SECRET_OTHER_TOKEN", "not-mine",
                "PATH", "/usr/bin"), Optional.empty());

        assertThat(resolver.resolve("prom-auth")).isEqualTo(Map.of("token", "t0k3n"));
    }

    @Test
    void localSecretsComeFromAKubernetesStyleDirectoryFirst(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("prom-auth"));
        Files.writeString(dir.resolve("prom-auth/username"), "flagger\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("prom-auth/password"), "pa ss", StandardCharsets.UTF_8);
        LocalSecretResolver resolver = new LocalSecretResolver(Map.of("FLAGSTEP_SECRET_PROM_AUTH_USERNAME", "env-user"), Optional.of(dir));

        assertThat(resolver.resolve("prom-auth")).isEqualTo(Map.of("username", "flagger", "password", "pa ss"));
    }

    @Test
    void anUnknownLocalSecretSaysWhereItLooked(@TempDir Path dir) {
        LocalSecretResolver resolver = new LocalSecretResolver(Map.of(), Optional.of(dir));

        assertThatThrownBy(() -> resolver.resolve("prom-auth"))
                .isInstanceOf(MetricQueryException.class)
                .hasMessageContaining("secret prom-auth not found")
                .hasMessageContaining("FLAGSTEP_SECRET_PROM_AUTH_<KEY>");
    }

    @Test
    void secretsManagerSecretsAreJsonKeyValuePairs() {
        try (FakeHttpServer secretsManager = new FakeHttpServer()) {
            AwsJsonClient client = secretsManager(secretsManager);
            secretsManager.respond(r -> "secretsmanager.GetSecretValue".equals(r.header("X-Amz-Target"))
                    && new String(r.body(), StandardCharsets.UTF_8).contains("\"SecretId\":\"" + ARN + "\"")
                    ? new Reply(200, Map.of("Content-Type", "application/x-amz-json-1.1"), ("{\"ARN\":\"" + ARN + "\",\"Name\":\"prom-auth\","
                            + "\"SecretString\":\"{\\\"username\\\":\\\"flagger\\\",\\\"password\\\":\\\"s3cret\\\"}\"}").getBytes(), 0)
                    : Reply.text(400, "unexpected request"));

            assertThat(new SecretsManagerSecretResolver(client).resolve(ARN))
                    .isEqualTo(Map.of("username", "flagger", "password", "s3cret"));
        }
    }

    @Test
    void aSecretsManagerErrorNamesTheSecret() {
        try (FakeHttpServer secretsManager = new FakeHttpServer()) {
            AwsJsonClient client = secretsManager(secretsManager);
            secretsManager.respond(r -> new Reply(400, Map.of("Content-Type", "application/x-amz-json-1.1"),
                    "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"Secrets Manager can't find the specified secret.\"}".getBytes(), 0));

            assertThatThrownBy(() -> new SecretsManagerSecretResolver(client).resolve(ARN))
                    .isInstanceOf(MetricQueryException.class)
                    .hasMessageStartingWith("secret " + ARN + " could not be read from Secrets Manager")
                    .hasMessageContaining("can't find the specified secret");
        }
    }

    @Test
    void aSecretsManagerSecretThatIsNotJsonIsRejected() {
        try (FakeHttpServer secretsManager = new FakeHttpServer()) {
            AwsJsonClient client = secretsManager(secretsManager);
            secretsManager.respond(r -> new Reply(200, Map.of("Content-Type", "application/x-amz-json-1.1"),
                    ("{\"ARN\":\"" + ARN + "\",\"SecretString\":\"just-a-token\"}").getBytes(), 0));

            assertThatThrownBy(() -> new SecretsManagerSecretResolver(client).resolve(ARN))
                    .isInstanceOf(MetricQueryException.class)
                    .hasMessage("secret " + ARN + " is not a JSON object of keys");
        }
    }

    private static AwsJsonClient secretsManager(FakeHttpServer server) {
        return new AwsJsonClient(AwsService.SECRETS_MANAGER, AwsSettings.of("us-east-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "SECRET"))).withRetry(RetryPolicy.none()),
                server.uri(""));
    }
}

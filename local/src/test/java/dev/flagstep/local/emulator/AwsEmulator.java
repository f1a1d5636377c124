package dev.flagstep.local.emulator;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.testing.MotoServer;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The AWS emulator the tests of this package run against, one per test JVM: LocalStack (Testcontainers) where
 * a Docker engine is, else a moto server ({@link MotoServer#shared()}), else none, and the tests skip saying
 * which two were missing ({@link #get()}). Clients are built the way the Lambdas build theirs: url-connection
 * HTTP client, a region, static credentials.
 *
 * <p>{@code -Dflagstep.localstack.image=...} runs another LocalStack image (a mirror, a pinned 4.x); a
 * {@code LOCALSTACK_AUTH_TOKEN} in the environment is passed on, for images that ask for one.
 */
public record AwsEmulator(String name, URI endpoint, String region, String account, String accessKey, String secretKey) {

    static final String IMAGE_PROPERTY = "flagstep.localstack.image";
    static final String DEFAULT_IMAGE = "localstack/localstack:4";

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static Optional<AwsEmulator> instance;
    private static String missing = "";

    /** This JVM's emulator, started on first use; aborts (skips) the calling test when there is none. */
    public static AwsEmulator get() {
        Optional<AwsEmulator> emulator = find();
        Assumptions.assumeTrue(emulator.isPresent(), () -> "skipped: no AWS emulator: " + missing);
        return emulator.orElseThrow();
    }

    private static synchronized Optional<AwsEmulator> find() {
        if (instance == null) {
            instance = Optional.empty();
            if (DockerClientFactory.instance().isDockerAvailable()) {
                instance = Optional.of(localStack());
            } else {
                Optional<String> noMoto = MotoServer.unavailable();
                if (noMoto.isEmpty()) {
                    // moto's default account and region; any credentials are accepted
                    instance = Optional.of(new AwsEmulator("moto", MotoServer.shared().endpoint(), "us-east-1",
                            "123456789012", "test", "test"));
                } else {
                    missing = "LocalStack needs a Docker engine (none found) and moto is missing: " + noMoto.orElseThrow();
                }
            }
        }
        return instance;
    }

    /** Started once; removed by Testcontainers' reaper when the test JVM exits. */
    private static AwsEmulator localStack() {
        DockerImageName image = DockerImageName.parse(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE))
                .asCompatibleSubstituteFor("localstack/localstack");
        LocalStackContainer container = new LocalStackContainer(image).withServices("dynamodb", "events", "stepfunctions", "sqs");
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        if (token != null && !token.isBlank()) {
            container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
        container.start();
        // the account LocalStack puts resources in for its default credentials ("test"/"test")
        return new AwsEmulator("localstack", container.getEndpoint(), container.getRegion(), "000000000000",
                container.getAccessKey(), container.getSecretKey());
    }

    public boolean isMoto() {
        return name.equals("moto");
    }

    /** A client of the given builder for this emulator, e.g. {@code client(DynamoDbClient.builder())}. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    /** flagstep's own AWS JSON client of a service, for this emulator (what production code is handed). */
    public AwsJsonClient json(AwsService service) {
        return new AwsJsonClient(service, AwsSettings.of(region, credentials()), endpoint);
    }

    private StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    /** A resource name unique within this JVM's emulator. */
    public static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
    }
}

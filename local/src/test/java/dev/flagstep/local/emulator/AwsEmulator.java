package dev.flagstep.local.localstack;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * One LocalStack container for every test class of this package (started by the first that needs it,
 * removed by Testcontainers' reaper when the test JVM exits), and SDK clients pointed at it the way
 * the Lambdas build theirs: url-connection HTTP client, a region, static credentials.
 *
 * <p>The test classes carry {@code @Testcontainers(disabledWithoutDocker = true)}: without a Docker
 * engine JUnit skips them before anything here runs.
 *
 * <p>{@code -Dflagstep.localstack.image=...} runs another image (a mirror, a pinned 4.x); a
 * {@code LOCALSTACK_AUTH_TOKEN} in the environment is passed on, for images that ask for one.
 */
final class LocalStack {

    static final String IMAGE_PROPERTY = "flagstep.localstack.image";
    static final String DEFAULT_IMAGE = "localstack/localstack:4";
    /** The account LocalStack puts resources in for its default credentials ("test"/"test"). */
    static final String ACCOUNT = "000000000000";

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static LocalStackContainer container;

    private LocalStack() {}

    static synchronized LocalStackContainer container() {
        if (container == null) {
            DockerImageName image = DockerImageName.parse(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE))
                    .asCompatibleSubstituteFor("localstack/localstack");
            LocalStackContainer started = new LocalStackContainer(image)
                    .withServices("dynamodb", "events", "stepfunctions", "sqs");
            String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
            if (token != null && !token.isBlank()) {
                started.withEnv("LOCALSTACK_AUTH_TOKEN", token);
            }
            started.start();
            container = started;
        }
        return container;
    }

    static String region() {
        return container().getRegion();
    }

    /** A client of the given builder for LocalStack, e.g. {@code client(DynamoDbClient.builder())}. */
    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        LocalStackContainer localstack = container();
        return builder
                .endpointOverride(localstack.getEndpoint())
                .region(Region.of(localstack.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey())))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    /** flagstep's own AWS JSON client of a service, for LocalStack (what production code is handed). */
    static AwsJsonClient json(AwsService service) {
        LocalStackContainer localstack = container();
        return new AwsJsonClient(service, AwsSettings.of(localstack.getRegion(), StaticCredentialsProvider.create(
                AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()))), localstack.getEndpoint());
    }

    /** A resource name unique within this JVM's container. */
    static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
    }
}

package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.template.RepoFiles;
import dev.flagstep.api.template.ZipClassLoaders;
import dev.flagstep.api.testing.FakeRuntimeApi;
import dev.flagstep.api.testing.FakeStepFunctions;
import dev.flagstep.testing.DynamoLocal;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The deployment zip as Lambda runs it: unpacked to a task root, started by the real runtime
 * interface client (the same {@code AWSLambda} main the java21 runtime uses) in a child JVM with
 * the Handler string from template.yaml, against a local Runtime API. Proves the handler string,
 * the zip layout and the stream serialization work as deployed, and that no zip holds an SDK service
 * client (see functions/core/pom.xml).
 */
class LambdaPackagingIT {

    private final ObjectMapper json = new ObjectMapper();

    /**
     * No zip carries an AWS SDK service client or SDK HTTP client: dev.flagstep.aws calls DynamoDB, Step
     * Functions, EventBridge, Secrets Manager and CloudWatch over their JSON protocol with the SDK's signer.
     */
    @Test
    void noZipCarriesAnSdkServiceClientOrHttpClient() throws Exception {
        Path root = RepoFiles.root();
        for (String zip : List.of("functions/api/target/flagstep-api.zip", "functions/phases/target/flagstep-phases.zip")) {
            assertThat(serviceClients(root.resolve(zip))).as(zip).isEmpty();
            assertThat(jars(root.resolve(zip))).as(zip).noneMatch(j -> j.matches("(aws-json-protocol|protocol-core|aws-core"
                    + "|smithy-rpcv2-protocol|third-party-jackson-dataformat-cbor|url-connection-client|apache-client"
                    + "|netty-nio-client)-.*"));
        }
    }

    /** The issue's target: every deployment zip within 8 MB (6.5 MB with SDK 2.41; was 10.7 and 14.2). */
    @Test
    void everyZipStaysWithinEightMegabytes() throws Exception {
        Path root = RepoFiles.root();
        assertThat(Files.size(root.resolve("functions/api/target/flagstep-api.zip"))).isLessThan(8_000_000);
        assertThat(Files.size(root.resolve("functions/phases/target/flagstep-phases.zip"))).isLessThan(8_000_000);
    }

    /**
     * Every events/api sample, in EventSamplesTest's order, through the runtime client from the zip,
     * against DynamoDB Local and a loopback Step Functions (the AWS_ENDPOINT_URL_* variables, read as the SDK does):
     * every route's code path loads from the lean zip, the store and the rollout starter included.
     */
    @Test
    void theApiZipServesEverySampleRouteAgainstLocalDynamoDbAndStepFunctions() throws Exception {
        Path root = RepoFiles.root();
        Path taskRoot = ZipClassLoaders.unpacked(root.resolve("functions/api/target/flagstep-api.zip"));
        DynamoLocal dynamo = DynamoLocal.get();
        String table = dynamo.createTable("packaging");
        try (FakeRuntimeApi runtime = new FakeRuntimeApi(); FakeStepFunctions sfn = new FakeStepFunctions()) {
            for (String sample : EventSamplesTest.API.keySet()) {
                runtime.enqueue(Files.readAllBytes(root.resolve("events/api").resolve(sample.split("#")[0])));
            }
            Process lambda = start(taskRoot, runtime.address(), "dev.flagstep.api.ApiHandler::handleRequest", Map.of(
                    "TABLE_NAME", table,
                    "AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString(),
                    "AWS_ENDPOINT_URL_SFN", sfn.endpoint().toString(),
                    // DynamoDB Local keeps tables per access key and region: DynamoLocal's own
                    "AWS_ACCESS_KEY_ID", "local",
                    "AWS_SECRET_ACCESS_KEY", "local",
                    "STATE_MACHINE_ARN", FakeStepFunctions.STATE_MACHINE_ARN));
            try {
                for (var e : EventSamplesTest.API.entrySet()) {
                    FakeRuntimeApi.Result r = runtime.awaitResult(60);
                    assertThat(r.kind()).as(e.getKey() + ": " + r.body()).isEqualTo("response");
                    assertThat(json.readTree(r.body()).get("statusCode").asInt()).as(e.getKey() + ": " + r.body())
                            .isEqualTo(e.getValue());
                }
            } finally {
                lambda.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            dynamo.deleteTable(table);
        }
    }

    @Test
    void theApiZipAnswersHealthAndUnknownRoutesThroughTheRuntimeClient() throws Exception {
        Path root = RepoFiles.root();
        Path zip = root.resolve("functions/api/target/flagstep-api.zip");
        assertThat(zip).as("built by ./mvnw package").exists();
        Path taskRoot = ZipClassLoaders.unpacked(zip);

        try (FakeRuntimeApi runtime = new FakeRuntimeApi()) {
            runtime.enqueue(Files.readAllBytes(root.resolve("events/api/healthz.json")));
            runtime.enqueue(Files.readAllBytes(root.resolve("events/api/unknown-route.json")));
            Process lambda = start(taskRoot, runtime.address(), "dev.flagstep.api.ApiHandler::handleRequest", Map.of(
                    // What template.yaml sets: the routes exercised here must not need them.
                    "TABLE_NAME", "flagstep-test",
                    "STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:flagstep-canary"));
            try {
                FakeRuntimeApi.Result health = runtime.awaitResult(60);
                assertThat(health.kind()).as(health.body()).isEqualTo("response");
                JsonNode h = json.readTree(health.body());
                assertThat(h.get("statusCode").asInt()).isEqualTo(200);
                assertThat(h.get("body").asText()).isEqualTo("OK");

                FakeRuntimeApi.Result unknown = runtime.awaitResult(30);
                JsonNode u = json.readTree(unknown.body());
                assertThat(u.get("statusCode").asInt()).isEqualTo(404);
                assertThat(u.at("/headers/Content-Type").asText()).isEqualTo("application/problem+json");
                JsonNode problem = json.readTree(u.get("body").asText());
                assertThat(problem.get("status").asInt()).isEqualTo(404);
                assertThat(problem.get("detail").asText()).contains("/no/such/route");
            } finally {
                lambda.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** {@code java -cp taskRoot:taskRoot/lib/*:ric AWSLambda handler}, as the java21 runtime's bootstrap does. */
    private static Process start(Path taskRoot, String runtimeApi, String handler, Map<String, String> env)
            throws Exception {
        List<String> cp = new ArrayList<>();
        ZipClassLoaders.classpath(taskRoot).forEach(p -> cp.add(p.toString()));
        // The runtime's own jars (provided by Lambda, not in the zip).
        cp.add(jarOf(com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class));
        cp.add(jarOf(Class.forName("com.amazonaws.services.lambda.runtime.serialization.PojoSerializer")));
        // the runtime client's own dependency (the runtime ships it; zips without the SDK's aws-core lack it)
        cp.add(jarOf(Class.forName("software.amazon.awssdk.utilslite.SdkInternalThreadLocal")));
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                "-cp", String.join(File.pathSeparator, cp),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler);
        pb.directory(taskRoot.toFile());
        pb.environment().put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        pb.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        pb.environment().put("_HANDLER", handler);
        pb.environment().put("AWS_REGION", "us-east-1");
        pb.environment().put("AWS_LAMBDA_FUNCTION_NAME", "flagstep-api");
        pb.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        pb.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        pb.environment().put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(taskRoot.resolveSibling(taskRoot.getFileName() + ".log").toFile());
        return pb.start();
    }

    private static Set<String> jars(Path zip) {
        assertThat(zip).as("built by ./mvnw package").exists();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return z.stream().map(e -> e.getName()).filter(n -> n.startsWith("lib/") && n.endsWith(".jar"))
                    .map(n -> n.substring("lib/".length())).collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The AWS service client jars of a zip (each has a software/amazon/awssdk/services/{name}/ package). */
    private static Set<String> serviceClients(Path zip) throws Exception {
        Set<String> services = new TreeSet<>();
        Path dir = ZipClassLoaders.unpacked(zip);
        for (Path jar : ZipClassLoaders.classpath(dir)) {
            if (!jar.toString().endsWith(".jar")) {
                continue;
            }
            try (ZipFile z = new ZipFile(jar.toFile())) {
                z.stream().map(e -> e.getName()).filter(n -> n.startsWith("software/amazon/awssdk/services/"))
                        .map(n -> n.split("/")).filter(p -> p.length > 5).map(p -> p[4]).forEach(services::add);
            }
        }
        return services;
    }

    private static String jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}

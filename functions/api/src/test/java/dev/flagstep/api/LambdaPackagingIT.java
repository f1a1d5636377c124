package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.template.RepoFiles;
import dev.flagstep.api.template.ZipClassLoaders;
import dev.flagstep.api.testing.FakeRuntimeApi;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment zip as Lambda runs it: unpacked to a task root, started by the real runtime
 * interface client (the same {@code AWSLambda} main the java21 runtime uses) in a child JVM with
 * the Handler string from template.yaml, against a local Runtime API. Proves the handler string,
 * the zip layout and the stream serialization work as deployed. The requests need no AWS.
 */
class LambdaPackagingIT {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theApiZipAnswersHealthAndUnknownRoutesThroughTheRuntimeClient() throws Exception {
        Path root = RepoFiles.root();
        Path zip = root.resolve("functions/api/target/flagstep-api.zip");
        assertThat(zip).as("built by ./mvnw package").exists();
        Path taskRoot = ZipClassLoaders.unpacked(zip);

        try (FakeRuntimeApi runtime = new FakeRuntimeApi()) {
            runtime.enqueue(Files.readAllBytes(root.resolve("events/api/healthz.json")));
            runtime.enqueue(Files.readAllBytes(root.resolve("events/api/unknown-route.json")));
            Process lambda = start(taskRoot, runtime.address(), "dev.flagstep.api.ApiHandler::handleRequest");
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
    private static Process start(Path taskRoot, String runtimeApi, String handler) throws Exception {
        List<String> cp = new ArrayList<>();
        ZipClassLoaders.classpath(taskRoot).forEach(p -> cp.add(p.toString()));
        // The runtime's own jars (provided by Lambda, not in the zip).
        cp.add(jarOf(com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class));
        cp.add(jarOf(Class.forName("com.amazonaws.services.lambda.runtime.serialization.PojoSerializer")));
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
        // What template.yaml sets: the routes exercised here must not need them.
        pb.environment().put("TABLE_NAME", "flagstep-test");
        pb.environment().put("STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:flagstep-canary");
        pb.redirectErrorStream(true);
        pb.redirectOutput(taskRoot.resolveSibling(taskRoot.getFileName() + ".log").toFile());
        return pb.start();
    }

    private static String jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}

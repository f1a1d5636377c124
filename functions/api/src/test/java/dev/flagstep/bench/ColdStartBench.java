package dev.flagstep.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.api.template.CfnYaml;
import dev.flagstep.api.template.RepoFiles;
import dev.flagstep.api.template.ZipClassLoaders;
import dev.flagstep.api.testing.FakeRuntimeApi;
import dev.flagstep.api.testing.FakeStepFunctions;
import dev.flagstep.testing.DynamoLocal;
import dev.flagstep.testing.EventBridgeFake;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * Cold start per function of template.yaml: a fresh JVM with the java21 runtime's flags runs the
 * real runtime interface client ({@code AWSLambda}) on the function's zip, unpacked as Lambda does,
 * against a loopback Runtime API; the figure is JVM start + init + the first invocation of the
 * function's sample event, up to the moment its answer reaches the Runtime API. A bare
 * RequestStreamHandler (aws-lambda-java-core only) runs the same way first, for the ratio.
 *
 * <p>AWS is local: DynamoDB Local, a loopback Step Functions and EventBridge; Secrets Manager,
 * CloudWatch and the EKS API server point at a closed loopback port (they fail fast, so a phase
 * that reaches the cluster answers with its error, which still measures init + the first call).
 * The API runs first (PUT of the sample canary), so the phases find the canary in the table.
 *
 * <p>With {@code --classes} each JVM also logs the classes it loads ({@code -Xlog:class+load}) and
 * the table gets the count, with the biggest groups (Jackson, SnakeYAML, java.net.http, the SDK);
 * the log costs a few ms, so compare figures of runs made with the same flag. The logs are kept in
 * {@code functions/api/target/coldstart-classes/}, one per function, to see what loaded.
 */
public final class ColdStartBench {

    /** The sample event per handler, and what its first invocation does. */
    private static final Map<String, String> SAMPLE = new LinkedHashMap<>();

    static {
        SAMPLE.put("ApiHandler", "api/put-canary-yaml.json");
        SAMPLE.put("RolloutTriggerHandler", "trigger/rollout-requested.json");
    }

    private static final String CLOSED = "http://127.0.0.1:9"; // discard port: nothing listens, connect is refused

    /** Class-name prefixes counted apart with {@code --classes}. */
    private static final Map<String, String> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("jackson", "com.fasterxml.jackson.");
        GROUPS.put("yaml", "org.yaml.snakeyaml.");
        GROUPS.put("net.http", "java.net.http.");
        GROUPS.put("jdk.http", "jdk.internal.net.http.");
        GROUPS.put("sdk", "software.amazon.awssdk.");
        GROUPS.put("flagstep", "dev.flagstep.");
    }

    private static boolean classes;

    public static void main(String[] args) throws Exception {
        classes = List.of(args).contains("--classes");
        Path root = RepoFiles.root();
        JsonNode resources = CfnYaml.read(root.resolve("template.yaml")).get("Resources");
        Path bare = bareHandler();

        DynamoLocal dynamo = DynamoLocal.get();
        String table = dynamo.createTable("coldstart");
        try (FakeStepFunctions sfn = new FakeStepFunctions(); EventBridgeFake bus = EventBridgeFake.start()) {
            Map<String, String> env = new HashMap<>();
            env.put("AWS_ACCESS_KEY_ID", "local"); // DynamoDB Local keeps tables per access key
            env.put("AWS_SECRET_ACCESS_KEY", "local");
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_SFN", sfn.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", bus.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", CLOSED);
            env.put("AWS_ENDPOINT_URL_CLOUDWATCH", CLOSED);
            env.put("TABLE_NAME", table);
            env.put("EVENT_BUS_NAME", "flagstep-events");
            env.put("STATE_MACHINE_ARN", FakeStepFunctions.STATE_MACHINE_ARN);
            env.put("CLUSTER_NAME", "bench");
            env.put("FLAGSTEP_EKS_CLUSTER", "bench");
            env.put("FLAGSTEP_EKS_ENDPOINT", CLOSED);
            env.put("FLAGSTEP_EKS_CA_DATA", "unused over http");
            env.put("SECRETS_PREFIX", "flagstep/");
            env.put("METRICS_SERVER", "http://prometheus:9090");
            env.put("FLAGSTEP_CLUSTER_SERVICE_ACCESS", "proxy");

            System.out.printf("%-24s %-22s %9s %5s %9s %6s  %s%n",
                    "function", "zip", "MB", "jars", "first ms", "ratio", "first invocation (answer)");
            Run b = run("bare", bare, "bench.Bare::handleRequest", "{}".getBytes(), env);
            System.out.printf("%-24s %-22s %9s %5d %9d %6s  %s%n", "(bare handler)", "-", "-", 1, b.millis, "1.00", b.outcome);

            // the API first: its PUT stores the sample canary the other samples name
            List<Map.Entry<String, JsonNode>> functions = new ArrayList<>(resources.properties());
            functions.sort(java.util.Comparator.comparing(f -> !f.getKey().equals("ApiFunction")));
            for (var e : functions) {
                JsonNode props = e.getValue().path("Properties");
                if (!e.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                    continue;
                }
                Path zip = root.resolve(props.get("CodeUri").asText());
                String handler = props.get("Handler").asText();
                String simple = handler.substring(handler.lastIndexOf('.') + 1, handler.indexOf("::"));
                String sample = SAMPLE.getOrDefault(simple, "phases/" + Character.toLowerCase(simple.charAt(0))
                        + simple.substring(1, simple.length() - "Handler".length()) + ".json");
                Run r = run(e.getKey(), ZipClassLoaders.unpacked(zip), handler, Files.readAllBytes(root.resolve("events").resolve(sample)), env);
                System.out.printf("%-24s %-22s %9.1f %5d %9d %6.2f  %s: %s%n", e.getKey(), zip.getFileName(),
                        Files.size(zip) / 1e6, jarCount(zip), r.millis, (double) r.millis / b.millis, sample, r.outcome);
            }
        } finally {
            dynamo.deleteTable(table);
        }
        System.exit(0); // DynamoDB Local's threads
    }

    private record Run(long millis, String outcome) {}

    /** " classes=N jackson=N ..." from a -Xlog:class+load file (one line per loaded class). */
    private static String classCounts(Path log) throws Exception {
        List<String> names = Files.readAllLines(log).stream().filter(l -> l.contains(" source: "))
                .map(l -> l.substring(l.indexOf(']', l.indexOf("[class,load]")) + 1).trim())
                .map(l -> l.substring(0, l.indexOf(' '))).toList();
        StringBuilder out = new StringBuilder(" classes=" + names.size());
        GROUPS.forEach((group, prefix) -> out.append(' ').append(group).append('=')
                .append(names.stream().filter(n -> n.startsWith(prefix)).count()));
        return out.toString();
    }

    /** One cold start: JVM launch to the first answer (response or error) at the Runtime API. */
    private static Run run(String name, Path taskRoot, String handler, byte[] event, Map<String, String> env) throws Exception {
        try (FakeRuntimeApi runtime = new FakeRuntimeApi()) {
            runtime.enqueue(event);
            List<String> cp = new ArrayList<>();
            ZipClassLoaders.classpath(taskRoot).forEach(p -> cp.add(p.toString()));
            cp.add(jarOf(com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class));
            cp.add(jarOf(Class.forName("com.amazonaws.services.lambda.runtime.serialization.PojoSerializer")));
            // the runtime client's own dependency (the runtime ships it; zips without the SDK's aws-core lack it)
            cp.add(jarOf(Class.forName("software.amazon.awssdk.utilslite.SdkInternalThreadLocal")));
            // The java21 runtime stops at C1 by default; with < 2 vCPUs (1024 MB) the JVM picks Serial GC.
            Path log = Files.createTempFile("coldstart-classes-", ".log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-XX:-UsePerfData", "-Xmx870m", "--enable-native-access=ALL-UNNAMED"));
            if (classes) {
                command.add("-Xlog:class+load=info:file=" + log);
            }
            command.addAll(List.of("-cp", String.join(File.pathSeparator, cp),
                    "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.directory(taskRoot.toFile());
            pb.environment().putAll(env);
            pb.environment().put("AWS_LAMBDA_RUNTIME_API", runtime.address());
            pb.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
            pb.environment().put("_HANDLER", handler);
            pb.environment().put("AWS_REGION", "us-east-1");
            pb.environment().put("AWS_LAMBDA_FUNCTION_NAME", "bench");
            pb.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
            pb.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "1");
            pb.environment().put("AWS_LAMBDA_LOG_FORMAT", "JSON");
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            long start = System.nanoTime();
            Process p = pb.start();
            try {
                FakeRuntimeApi.Result r = runtime.awaitResult(120);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // the log holds what loaded up to here (and a little after)
                if (classes) {
                    Path kept = RepoFiles.root().resolve("functions/api/target/coldstart-classes").resolve(name + ".log");
                    Files.createDirectories(kept.getParent());
                    Files.copy(log, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                return new Run(ms, r.kind() + " " + summary(r) + (classes ? classCounts(log) : ""));
            } finally {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                Files.deleteIfExists(log);
            }
        }
    }

    private static String summary(FakeRuntimeApi.Result r) {
        String b = r.body();
        var status = java.util.regex.Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)").matcher(b);
        if (status.find()) {
            return "HTTP " + status.group(1);
        }
        var type = java.util.regex.Pattern.compile("\"errorType\"\\s*:\\s*\"([^\"]+)\"").matcher(b);
        var message = java.util.regex.Pattern.compile("\"errorMessage\"\\s*:\\s*\"([^\"]{0,90})").matcher(b);
        if (type.find()) {
            return type.group(1).substring(type.group(1).lastIndexOf('.') + 1) + (message.find() ? " (" + message.group(1) + ")" : "");
        }
        return b.length() > 60 ? b.substring(0, 60) + "..." : b;
    }

    private static int jarCount(Path zip) throws Exception {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            return (int) z.stream().filter(e -> e.getName().startsWith("lib/") && e.getName().endsWith(".jar")).count();
        }
    }

    /** A trivial RequestStreamHandler compiled into its own task root, with aws-lambda-java-core beside it. */
    private static Path bareHandler() throws Exception {
        Path dir = Files.createTempDirectory("coldstart-bare-");
        Path src = dir.resolve("src/bench/Bare.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package bench;
                public class Bare implements com.amazonaws.services.lambda.runtime.RequestStreamHandler {
                    public void handleRequest(java.io.InputStream in, java.io.OutputStream out,
                            com.amazonaws.services.lambda.runtime.Context context) throws java.io.IOException {
                        in.readAllBytes();
                        out.write("{\\"ok\\":true}".getBytes());
                    }
                }
                """);
        Path root = dir.resolve("task");
        Files.createDirectories(root.resolve("lib"));
        Path core = Path.of(jarOf(com.amazonaws.services.lambda.runtime.RequestStreamHandler.class));
        Files.copy(core, root.resolve("lib").resolve(core.getFileName()));
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "--release", "21", "-cp", core.toString(), "-d", root.toString(), src.toString());
        if (rc != 0) {
            throw new IllegalStateException("the bare handler did not compile");
        }
        return root;
    }

    private static String jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}

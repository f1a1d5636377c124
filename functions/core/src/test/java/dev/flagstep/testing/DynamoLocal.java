package dev.flagstep.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.store.CanaryTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One DynamoDB endpoint per test JVM: by default an in-process DynamoDB Local server; with
 * {@code -Dflagstep.test.dynamodb=moto}, moto's DynamoDB ({@link MotoServer#shared()}), so the same store
 * tests prove the contract on an implementation that is not DynamoDB Local (docs/deploy.md, "Testing against
 * AWS emulators"). One in-process DynamoDB Local server per test JVM (start-up takes seconds on these machines), on a
 * free port, reached over real HTTP by flagstep's own {@link DynamoDb} client (what the stores use) and,
 * for tests that check independently what was written, by an SDK v2 client ({@link #sdkClient}). Tests get a fresh table each through
 * {@link DynamoTableExtension} or {@link #createTable}, so they never see each other's items.
 */
public final class DynamoLocal {

    /** The system property choosing the endpoint: {@value #LOCAL} (default) or {@value #MOTO}. */
    public static final String BACKEND_PROPERTY = "flagstep.test.dynamodb";
    public static final String LOCAL = "dynamodb-local";
    public static final String MOTO = "moto";

    private static DynamoLocal instance;
    private static final AtomicInteger TABLES = new AtomicInteger();

    private final Runnable stop;
    private final URI endpoint;
    private final DynamoDb client;
    private final DynamoDbClient sdkClient;

    private DynamoLocal(Runnable stop, URI endpoint) {
        this.stop = stop;
        this.endpoint = endpoint;
        this.client = newClient();
        this.sdkClient = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Which endpoint this JVM's store tests run against. */
    public static String backend() {
        return System.getProperty(BACKEND_PROPERTY, LOCAL);
    }

    /** Empty when this JVM's endpoint can run here, else why not (moto needs python3 with moto). */
    public static Optional<String> unavailable() {
        return switch (backend()) {
            case LOCAL -> Optional.empty();
            case MOTO -> MotoServer.unavailable();
            default -> Optional.of(BACKEND_PROPERTY + " must be " + LOCAL + " or " + MOTO + ", not " + backend());
        };
    }

    /** The server, started on first use and stopped when the JVM exits. */
    public static synchronized DynamoLocal get() {
        if (instance == null) {
            instance = backend().equals(MOTO) ? new DynamoLocal(() -> {}, MotoServer.shared().endpoint()) : start();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "dynamodb-local-stop"));
        }
        return instance;
    }

    private static DynamoLocal start() {
        Exception last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // the free port may be taken before the server binds it
            int port = freePort();
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
                server.start();
                return new DynamoLocal(() -> {
                    try {
                        server.stop();
                    } catch (Exception e) {
                        // the JVM is exiting; an in-memory server has nothing to lose
                    }
                }, URI.create("http://127.0.0.1:" + port));
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start", last);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A shared client (thread-safe). */
    public DynamoDb client() {
        return client;
    }

    /** The SDK's client, independent of flagstep's, to check what the stores wrote. */
    public DynamoDbClient sdkClient() {
        return sdkClient;
    }

    /** A client of its own, on its own HTTP client. */
    public DynamoDb newClient() {
        return new DynamoDb(new AwsJsonClient(AwsService.DYNAMODB,
                AwsSettings.of("us-east-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))),
                endpoint));
    }

    /** Creates a canary table with a name no other test uses and returns the name. */
    public String createTable(String hint) {
        String safe = hint.replaceAll("[^A-Za-z0-9_.-]", "-");
        String name = "flagstep-" + (safe.length() > 150 ? safe.substring(0, 150) : safe) + "-" + TABLES.incrementAndGet();
        CanaryTable.create(client, name);
        return name;
    }

    public void deleteTable(String name) {
        sdkClient.deleteTable(b -> b.tableName(name));
    }

    private void stop() {
        try {
            sdkClient.close();
            stop.run();
        } catch (Exception e) {
            // the JVM is exiting; an in-memory server has nothing to lose
        }
    }
}

package dev.flagstep.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.AwsSettings;
import dev.flagstep.aws.RetryPolicy;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.local.faults.FaultProxy;
import dev.flagstep.store.CanaryTable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * DynamoDB Local in this process, on a free loopback port, reached over real HTTP by the same
 * client code as in AWS ({@link DynamoDb}). In memory by default; with a directory, the data outlives the process
 * ({@code --db-path}). {@link #startWithFaults} puts a {@link FaultProxy} between the client and the
 * server, so tests can make DynamoDB throttle or fail as the real service does.
 */
public final class LocalDynamo implements AutoCloseable {

    public static final String TABLE = "flagstep";

    private final DynamoDBProxyServer server;
    /** Sees every DynamoDB call of the servers started after it is set (bench/scale.sh counts them). */
    private static volatile Optional<AwsJsonClient.Observer> observer = Optional.empty();

    private final DynamoDb client;
    private final URI endpoint;
    private final Optional<FaultProxy> faults;

    private LocalDynamo(DynamoDBProxyServer server, int port, boolean withFaults) {
        this.server = server;
        this.faults = withFaults ? Optional.of(FaultProxy.start(port)) : Optional.empty();
        this.endpoint = URI.create("http://127.0.0.1:" + faults.map(FaultProxy::port).orElse(port));
        AwsSettings settings = AwsSettings.of("us-east-1", StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        if (withFaults) {
            // the client sleeps its backoff in real time, which a sped-up test clock cannot compress:
            // keep its retries short, so a fault outlasting them reaches flagstep's own handling
            settings = settings.withRetry(new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofMillis(20)));
        }
        AwsJsonClient json = new AwsJsonClient(AwsService.DYNAMODB, settings, endpoint);
        this.client = new DynamoDb(observer.map(json::observed).orElse(json));
    }

    /** Starts the server and makes sure the flagstep table exists. */
    public static LocalDynamo start(Optional<Path> dbPath) {
        return start(dbPath, false);
    }

    /** As {@link #start(Optional)}, reached through a {@link FaultProxy} ({@link #faults()}). */
    public static LocalDynamo startWithFaults(Optional<Path> dbPath) {
        return start(dbPath, true);
    }

    private static LocalDynamo start(Optional<Path> dbPath, boolean withFaults) {
        Exception last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // the free port may be taken before the server binds it
            int port = freePort();
            List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-disableTelemetry"));
            try {
                if (dbPath.isPresent()) {
                    Files.createDirectories(dbPath.get());
                    args.addAll(List.of("-sharedDb", "-dbPath", dbPath.get().toString()));
                } else {
                    args.add("-inMemory");
                }
                DynamoDBProxyServer server = quietly(() -> {
                    DynamoDBProxyServer s = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
                    s.start();
                    return s;
                });
                LocalDynamo dynamo = new LocalDynamo(server, port, withFaults);
                dynamo.ensureTable();
                return dynamo;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start: " + (last == null ? "" : last.getMessage()), last);
    }

    /** DynamoDB Local prints its settings banner on stdout; the CLI's output is the user's. */
    private static <T> T quietly(java.util.concurrent.Callable<T> start) throws Exception {
        java.io.PrintStream out = System.out;
        synchronized (System.class) {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                return start.call();
            } finally {
                System.setOut(out);
            }
        }
    }

    /** Every DynamoDB call of servers started from now on goes past {@code o} (for benchmarks). */
    public static void observe(AwsJsonClient.Observer o) {
        observer = Optional.of(o);
    }

    private void ensureTable() {
        boolean exists = false;
        for (JsonNode name : client.control("ListTables", client.object()).path("TableNames")) {
            exists |= name.asText().equals(TABLE);
        }
        if (!exists) {
            CanaryTable.create(client, TABLE);
        }
    }

    public DynamoDb client() {
        return client;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The proxy in front of the server, when started {@link #startWithFaults with faults}. */
    public Optional<FaultProxy> faults() {
        return faults;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    @Override
    public void close() {
        faults.ifPresent(FaultProxy::close);
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort: the process is ending anyway
        }
    }
}

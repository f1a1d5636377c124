package dev.flagstep.testing;

import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.store.DynamoDbCanaryStore;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A fresh canary table on the shared {@link DynamoLocal} server. Registered on a static field
 * ({@code @RegisterExtension static DynamoTableExtension dynamo = new DynamoTableExtension();}) it
 * makes one table per test class; on an instance field, one table per test.
 */
public final class DynamoTableExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private boolean perClass;
    private String table = "";

    @Override
    public void beforeAll(ExtensionContext context) {
        assumeAvailable();
        perClass = true;
        table = DynamoLocal.get().createTable(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            assumeAvailable();
            table = DynamoLocal.get().createTable(
                    context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass && !table.isEmpty()) {
            DynamoLocal.get().deleteTable(table);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!table.isEmpty()) {
            DynamoLocal.get().deleteTable(table);
        }
    }

    /** Skips (not fails) where this JVM's endpoint cannot run, saying which is missing. */
    private static void assumeAvailable() {
        Optional<String> missing = DynamoLocal.unavailable();
        Assumptions.assumeTrue(missing.isEmpty(), () -> "skipped on " + DynamoLocal.backend() + ": " + missing.orElse(""));
    }

    public DynamoDb client() {
        return DynamoLocal.get().client();
    }

    /** The SDK's client, to check independently what was written. */
    public DynamoDbClient sdkClient() {
        return DynamoLocal.get().sdkClient();
    }

    public String tableName() {
        if (table.isEmpty()) {
            throw new IllegalStateException("no table yet: use it from a test or a @BeforeEach");
        }
        return table;
    }

    /** A store on this table. */
    public DynamoDbCanaryStore store(Clock clock) {
        return new DynamoDbCanaryStore(client(), tableName(), clock);
    }
}

package dev.flagstep.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.StatusCondition;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.CanarySummary;
import dev.flagstep.store.CanaryTable;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.store.Page;
import dev.flagstep.store.SpecRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The canary table as {@link CanaryTable#create} makes it, on the emulator's DynamoDB (LocalStack or moto:
 * {@link AwsEmulator}), through the DynamoDB API of an endpoint built from the stack's own client settings: its
 * keys, index and TTL, and what the store reads back through them. The store's whole contract (conditional
 * writes, claims, races) is functions/core's {@code dev.flagstep.store} suite, which runs on DynamoDB Local and,
 * in the build's {@code store-on-moto} execution, on moto.
 */
class EmulatorStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final AtomicInteger CANARIES = new AtomicInteger();

    /** The SDK's own client: checks independently what flagstep's client created and wrote. */
    private static AwsEmulator aws;
    private static DynamoDbClient dynamo;
    private static DynamoDb flagstep;
    private static String table;

    private final CanaryStore store = new DynamoDbCanaryStore(flagstep, table, Clock.fixed(T0, ZoneOffset.UTC));

    @BeforeAll
    static void createTable() {
        aws = AwsEmulator.get();
        dynamo = aws.client(DynamoDbClient.builder());
        flagstep = new DynamoDb(aws.json(AwsService.DYNAMODB));
        table = AwsEmulator.unique("flagstep-canaries");
        CanaryTable.create(flagstep, table);
    }

    @AfterAll
    static void closeClient() {
        if (dynamo != null) {
            dynamo.close();
        }
    }

    private static CanaryId canary(String prefix) {
        return new CanaryId("test", prefix + "-" + CANARIES.incrementAndGet());
    }

    private static CanaryStatus progressing(int weight, int failedChecks) {
        return new CanaryStatus(CanaryPhase.PROGRESSING, weight, failedChecks, 0, "85d557f47b", T0,
                List.of(new StatusCondition("Promoted", "Unknown", "Progressing", "New revision detected", T0, T0)));
    }

    @Test
    void theTableHasTheKeysTheIndexAndTheTtlOfTheTemplate() {
        TableDescription description = dynamo.describeTable(d -> d.tableName(table)).table();

        assertThat(description.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType())
                .containsExactly(CanaryTable.PK + ":" + KeyType.HASH, CanaryTable.SK + ":" + KeyType.RANGE);
        assertThat(description.globalSecondaryIndexes()).singleElement().satisfies(index -> {
            assertThat(index.indexName()).isEqualTo(CanaryTable.STATUS_INDEX);
            assertThat(index.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType())
                    .containsExactly(CanaryTable.GSI_PK + ":" + KeyType.HASH, CanaryTable.GSI_SK + ":" + KeyType.RANGE);
        });
        var ttl = dynamo.describeTimeToLive(d -> d.tableName(table)).timeToLiveDescription();
        assertThat(ttl.attributeName()).isEqualTo(CanaryTable.TTL_ATTRIBUTE);
        assertThat(ttl.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
    }

    @Test
    void keepsTheDocumentWithANewVersionPerPut() {
        CanaryId id = canary("spec");

        assertThat(store.putSpec(id, "spec: {}\n")).isEqualTo(1);
        assertThat(store.putSpec(id, "spec: {}\n# edited\n")).isEqualTo(2);

        assertThat(store.spec(id)).contains(new SpecRecord(id, "spec: {}\n# edited\n", 2, T0));
        assertThat(store.spec(canary("never-put"))).isEmpty();
    }

    @Test
    void listsCanariesOfANamespaceThroughTheStatusIndex() {
        String namespace = AwsEmulator.unique("ns");
        for (String name : List.of("c", "a", "b")) {
            store.putSpec(new CanaryId(namespace, name), "spec: {}\n");
        }

        Page<CanarySummary> first = store.list(Optional.of(namespace), 2, Optional.empty());
        Page<CanarySummary> second = store.list(Optional.of(namespace), 2, first.next());

        assertThat(first.items()).extracting(CanarySummary::canary)
                .containsExactly(new CanaryId(namespace, "a"), new CanaryId(namespace, "b"));
        assertThat(second.items()).extracting(CanarySummary::canary).containsExactly(new CanaryId(namespace, "c"));
        assertThat(second.next()).isEmpty();
    }

    @Test
    void eventsAreKeptNewestFirstPageByPageWithTheirExpiry() {
        CanaryId id = canary("events");
        List<CanaryEvent> appended = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            appended.add(event(id, "early " + i, T0.plusMillis(i)));
        }
        for (int i = 0; i < 3; i++) {
            appended.add(event(id, "same ms " + i, T0.plusMillis(10))); // three events, one millisecond
        }
        appended.forEach(store::append);
        store.append(event(canary("events-other"), "another canary", T0.plusMillis(5)));

        List<CanaryEvent> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            Page<CanaryEvent> page = store.events(id, 4, cursor);
            seen.addAll(page.items());
            pageSizes.add(page.items().size());
            cursor = page.next();
        } while (cursor.isPresent());

        assertThat(pageSizes).containsExactly(4, 2);
        assertThat(seen).containsExactlyElementsOf(appended.reversed());

        Map<String, AttributeValue> item = dynamo.query(q -> q.tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :events)")
                .expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS("CANARY#" + id), ":events", AttributeValue.fromS("EVENT#")))
                .limit(1)).items().getFirst();
        assertThat(Long.parseLong(item.get(CanaryTable.TTL_ATTRIBUTE).n()))
                .isEqualTo(T0.plus(DynamoDbCanaryStore.DEFAULT_EVENT_RETENTION).getEpochSecond());
    }

    @Test
    void dynamoErrorsNameTheOperationAndTheCanary() {
        CanaryStore nowhere = new DynamoDbCanaryStore(flagstep, "no-such-table", Clock.systemUTC(), Duration.ofDays(1));

        assertThatThrownBy(() -> nowhere.status(new CanaryId("test", "podinfo")))
                .hasMessageStartingWith("status test/podinfo: DynamoDB call failed")
                .hasMessageContaining("ResourceNotFound");
    }

    private static CanaryEvent event(CanaryId id, String message, Instant at) {
        return new CanaryEvent(id, Message.Severity.NORMAL, message, CanaryPhase.PROGRESSING, at, 20, 1, "run-1", "cs");
    }
}

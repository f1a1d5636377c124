package dev.flagstep.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.StatusCondition;
import dev.flagstep.aws.AwsService;
import dev.flagstep.aws.dynamodb.DynamoDb;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.ActiveRun;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.CanarySummary;
import dev.flagstep.store.CanaryTable;
import dev.flagstep.store.ClaimResult;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.store.Page;
import dev.flagstep.store.RunResult;
import dev.flagstep.store.SpecRecord;
import dev.flagstep.store.StaleStatusException;
import dev.flagstep.store.Versioned;
import dev.flagstep.testing.DisabledOnMoto;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The canary table as {@link CanaryTable#create} makes it, on the emulator's DynamoDB (LocalStack or moto:
 * {@link AwsEmulator}), and the store's conditional writes and transactions against it: what the DynamoDB Local
 * tests of functions/core check (they run on moto too), through the DynamoDB API of an endpoint built from
 * the stack's own client settings.
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
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

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

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
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
    void ofTwoStatusWritersThatReadTheSameVersionOnlyTheFirstWins() {
        CanaryId id = canary("conflict");
        long v1 = store.saveStatus(id, progressing(10, 0), 0);
        assertThat(v1).isEqualTo(1);

        Versioned<CanaryStatus> readByA = store.status(id).orElseThrow();
        Versioned<CanaryStatus> readByB = store.status(id).orElseThrow();
        long savedByA = store.saveStatus(id, progressing(20, 0), readByA.version());

        assertThatThrownBy(() -> store.saveStatus(id, progressing(10, 1), readByB.version()))
                .isInstanceOf(StaleStatusException.class)
                .hasMessageContaining("saveStatus")
                .hasMessageContaining(id.toString())
                .hasMessageContaining("version 1");
        assertThatThrownBy(() -> store.saveStatus(id, CanaryStatus.initial(T0), 0))
                .as("a second first write").isInstanceOf(StaleStatusException.class);
        assertThat(store.status(id).orElseThrow()).isEqualTo(new Versioned<>(progressing(20, 0), savedByA));
    }

    @Test
    void ofTwoStartsOfTheSameRevisionOneClaimsAndTheOtherGetsThatRun() throws Exception {
        assumeFalse(aws.isMoto(), DisabledOnMoto.CONCURRENT_CONDITIONS);
        for (int round = 0; round < 3; round++) {
            CanaryId id = canary("same-rev");
            store.putSpec(id, "spec: {}\n");

            List<ClaimResult> results = race(
                    () -> store.claimRun(id, "run-a", "rev-1", T0),
                    () -> store.claimRun(id, "run-b", "rev-1", T0));

            assertThat(results).filteredOn(ClaimResult.Claimed.class::isInstance).hasSize(1);
            assertThat(results).filteredOn(ClaimResult.AlreadyActive.class::isInstance).hasSize(1);
            String winner = results.stream().filter(ClaimResult.Claimed.class::isInstance)
                    .map(r -> ((ClaimResult.Claimed) r).run().runId()).findFirst().orElseThrow();
            ClaimResult.AlreadyActive loser = results.stream().filter(ClaimResult.AlreadyActive.class::isInstance)
                    .map(ClaimResult.AlreadyActive.class::cast).findFirst().orElseThrow();
            assertThat(loser.run().runId()).isEqualTo(winner);
            assertThat(store.activeRun(id)).map(ActiveRun::runId).contains(winner);
            assertThat(store.run(id, winner.equals("run-a") ? "run-b" : "run-a")).as("the loser wrote nothing").isEmpty();
        }
    }

    @Test
    void ofTwoStartsOfDifferentRevisionsOneClaimsAndTheOtherIsToldWhoHoldsTheCanary() throws Exception {
        assumeFalse(aws.isMoto(), DisabledOnMoto.CONCURRENT_CONDITIONS);
        CanaryId id = canary("diff-rev");
        store.putSpec(id, "spec: {}\n");

        List<ClaimResult> results = race(
                () -> store.claimRun(id, "run-1", "rev-1", T0),
                () -> store.claimRun(id, "run-2", "rev-2", T0));

        assertThat(results).filteredOn(ClaimResult.Claimed.class::isInstance).hasSize(1);
        ClaimResult.Superseding told = results.stream().filter(ClaimResult.Superseding.class::isInstance)
                .map(ClaimResult.Superseding.class::cast).findFirst().orElseThrow();
        ActiveRun holder = store.activeRun(id).orElseThrow();
        assertThat(told.active()).isEqualTo(holder);

        // the holder finishes: the canary is free again, and a finished run cannot finish twice
        assertThat(store.finishRun(id, holder.runId(), RunResult.SUCCEEDED, T0.plusSeconds(60))).isTrue();
        assertThat(store.finishRun(id, holder.runId(), RunResult.FAILED, T0.plusSeconds(61))).isFalse();
        assertThat(store.activeRun(id)).isEmpty();
        assertThat(store.run(id, holder.runId()).orElseThrow().result()).isEqualTo(RunResult.SUCCEEDED);
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

    /** Runs both at the same instant (as near as two threads get) and returns their answers. */
    private List<ClaimResult> race(Callable<ClaimResult> a, Callable<ClaimResult> b) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        Future<ClaimResult> fa = pool.submit(() -> {
            barrier.await();
            return a.call();
        });
        Future<ClaimResult> fb = pool.submit(() -> {
            barrier.await();
            return b.call();
        });
        return List.of(fa.get(), fb.get());
    }
}

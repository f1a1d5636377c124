package dev.flagstep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.StatusCondition;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.DynamoTableExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StatusStoreTest {

    @RegisterExtension
    static final DynamoTableExtension dynamo = new DynamoTableExtension();

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private final CanaryStore store = dynamo.store(Clock.fixed(T0, ZoneOffset.UTC));

    private static CanaryStatus progressing(int weight, int failedChecks) {
        return new CanaryStatus(CanaryPhase.PROGRESSING, weight, failedChecks, 0, "85d557f47b", T0,
                List.of(new StatusCondition("Promoted", "Unknown", "Progressing", "New revision detected", T0, T0)));
    }

    @Test
    void noStatusUntilOneIsSaved() {
        assertThat(store.status(new CanaryId("test", "fresh"))).isEmpty();
    }

    @Test
    void savesEveryFieldAndReadsItBackWithItsVersion() {
        CanaryId id = new CanaryId("test", "roundtrip");
        CanaryStatus status = new CanaryStatus(CanaryPhase.WAITING_PROMOTION, 50, 2, 4, "abc", T0.plusSeconds(5), List.of(
                new StatusCondition("Promoted", "Unknown", "WaitingPromotion", "waiting", T0, T0.plusSeconds(1)),
                new StatusCondition("Other", "True", "Because", "", T0.plusSeconds(2), T0.plusSeconds(3))), "xyz");

        long v1 = store.saveStatus(id, status, 0);

        assertThat(v1).isEqualTo(1);
        Versioned<CanaryStatus> read = store.status(id).orElseThrow();
        assertThat(read.version()).isEqualTo(1);
        assertThat(read.value()).isEqualTo(status);
    }

    @Test
    void theTickMemoIsSavedWithTheStatusAndKeptOrClearedByLaterWrites() {
        CanaryId id = new CanaryId("test", "memo");
        Instant closed = T0.plusSeconds(30);
        long v1 = store.saveStatus(id, progressing(10, 0), 0, new TickMemo("Analysis@t1", "closed", Optional.of(closed)));

        StatusRecord first = store.statusRecord(id).orElseThrow();
        assertThat(first.version()).isEqualTo(v1);
        assertThat(first.status()).isEqualTo(progressing(10, 0));
        assertThat(first.memo()).contains(new TickMemo("Analysis@t1", "closed", Optional.of(closed)));

        long v2 = store.saveStatus(id, progressing(20, 0), v1, new TickMemo("Analysis@t2", "passed", Optional.empty()));
        assertThat(store.statusRecord(id).orElseThrow().memo())
                .contains(new TickMemo("Analysis@t2", "passed", Optional.empty()));

        // a write without a memo (the API, say) leaves the last tick's memo alone
        store.saveStatus(id, progressing(20, 1), v2);
        assertThat(store.statusRecord(id).orElseThrow().memo())
                .contains(new TickMemo("Analysis@t2", "passed", Optional.empty()));
    }

    /** A claimed tick keeps its lease (the end of the claiming invocation); deciding the tick clears it. */
    @Test
    void aClaimsLeaseIsSavedAndClearedWhenTheTickIsDecided() {
        CanaryId id = new CanaryId("test", "lease");
        Instant lease = T0.plusSeconds(120);
        long v1 = store.saveStatus(id, progressing(10, 0), 0, new TickMemo("run/A@1", "", Optional.empty(), 0, Optional.of(lease)));
        assertThat(store.statusRecord(id).orElseThrow().memo().orElseThrow().leaseUntil()).contains(lease);

        store.saveStatus(id, progressing(20, 0), v1, new TickMemo("run/A@1", "advanced", Optional.empty()));
        assertThat(store.statusRecord(id).orElseThrow().memo().orElseThrow().leaseUntil()).isEmpty();
    }

    /** A claim written before leases existed (only its start) is honoured for the 15 minutes it was then. */
    @Test
    void aClaimWithOnlyItsStartTimeHoldsFifteenMinutesFromIt() {
        CanaryId id = new CanaryId("test", "legacy-claim");
        store.saveStatus(id, progressing(10, 0), 0, new TickMemo("run/A@1", "", Optional.empty(), 0, Optional.empty()));
        dynamo.sdkClient().updateItem(b -> b.tableName(dynamo.tableName()).key(java.util.Map.of(
                        CanaryTable.PK, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(Items.pk(id)),
                        CanaryTable.SK, software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(Items.STATUS)))
                .updateExpression("SET tickStartedAt = :t").expressionAttributeValues(
                        java.util.Map.of(":t", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(T0.toString()))));

        assertThat(store.statusRecord(id).orElseThrow().memo().orElseThrow().leaseUntil())
                .contains(T0.plus(java.time.Duration.ofMinutes(15)));
    }

    @Test
    void aStaleWriteWithAMemoIsRefusedLikeAnyOther() {
        CanaryId id = new CanaryId("test", "memo-stale");
        long v1 = store.saveStatus(id, progressing(10, 0), 0);
        store.saveStatus(id, progressing(20, 0), v1, new TickMemo("A@1", "passed", Optional.empty()));

        assertThatThrownBy(() -> store.saveStatus(id, progressing(30, 0), v1, new TickMemo("A@2", "passed", Optional.empty())))
                .isInstanceOf(StaleStatusException.class);
        assertThat(store.statusRecord(id).orElseThrow().memo().orElseThrow().tick()).isEqualTo("A@1");
    }

    @Test
    void eachSaveMovesTheVersionOn() {
        CanaryId id = new CanaryId("test", "versions");
        long v1 = store.saveStatus(id, progressing(10, 0), 0);
        long v2 = store.saveStatus(id, progressing(20, 0), v1);
        long v3 = store.saveStatus(id, progressing(30, 1), v2);

        assertThat(List.of(v1, v2, v3)).containsExactly(1L, 2L, 3L);
        assertThat(store.status(id).orElseThrow()).isEqualTo(new Versioned<>(progressing(30, 1), 3));
    }

    @Test
    void ofTwoWritersThatReadTheSameVersionOnlyTheFirstWins() {
        CanaryId id = new CanaryId("test", "conflict");
        store.saveStatus(id, progressing(10, 0), 0);

        Versioned<CanaryStatus> readByA = store.status(id).orElseThrow();
        Versioned<CanaryStatus> readByB = store.status(id).orElseThrow();
        long savedByA = store.saveStatus(id, progressing(20, 0), readByA.version());

        // B decided on version 1 too (e.g. Step Functions ran the same tick twice): it must not count again
        assertThatThrownBy(() -> store.saveStatus(id, progressing(10, 1), readByB.version()))
                .isInstanceOf(StaleStatusException.class)
                .hasMessageContaining("saveStatus")
                .hasMessageContaining("test/conflict")
                .hasMessageContaining("version 1");
        assertThat(store.status(id).orElseThrow()).isEqualTo(new Versioned<>(progressing(20, 0), savedByA));
    }

    @Test
    void onlyOneWriterCreatesTheFirstStatus() {
        CanaryId id = new CanaryId("test", "create-race");
        store.saveStatus(id, progressing(0, 0), 0);

        assertThatThrownBy(() -> store.saveStatus(id, CanaryStatus.initial(T0), 0))
                .isInstanceOf(StaleStatusException.class)
                .hasMessageContaining("already exists");
        assertThat(store.status(id).orElseThrow().value().phase()).isEqualTo(CanaryPhase.PROGRESSING);
    }

    @Test
    void aVersionFromTheFutureIsStaleToo() {
        CanaryId id = new CanaryId("test", "future");
        store.saveStatus(id, progressing(0, 0), 0);

        assertThatThrownBy(() -> store.saveStatus(id, progressing(10, 0), 7)).isInstanceOf(StaleStatusException.class);
    }

    @Test
    void savingStatusKeepsTheRunClaim() {
        CanaryId id = new CanaryId("test", "keeps-claim");
        store.putSpec(id, "spec: {}");
        store.claimRun(id, "run-1", "rev-1", T0);

        store.saveStatus(id, progressing(10, 0), 0);

        assertThat(store.activeRun(id)).contains(new ActiveRun("run-1", "rev-1", T0));
    }

    @Test
    void dynamoErrorsNameTheOperationAndTheCanary() {
        CanaryStore nowhere = new DynamoDbCanaryStore(dynamo.client(), "no-such-table", Clock.systemUTC());

        assertThatThrownBy(() -> nowhere.status(new CanaryId("test", "podinfo")))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("status test/podinfo: DynamoDB call failed")
                .hasMessageContaining("ResourceNotFound");
    }

    @Test
    void trackedConfigsAreSavedAndReadBack() {
        CanaryId id = new CanaryId("test", "configs");
        CanaryStatus status = new CanaryStatus(CanaryPhase.INITIALIZED, 0, 0, 0, "abc", T0, List.of())
                .withTrackedConfigs(java.util.Map.of("configmap/podinfo-config", "f234cb93c08ad64e",
                        "secret/podinfo-secret", "6010bdf95cfd9d10"));
        store.saveStatus(id, status, 0);
        assertThat(store.status(id).orElseThrow().value()).isEqualTo(status);
        assertThat(store.status(id).orElseThrow().value().trackedConfigs()).containsEntry("secret/podinfo-secret", "6010bdf95cfd9d10");
    }
}

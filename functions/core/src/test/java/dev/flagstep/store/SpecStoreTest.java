package dev.flagstep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.gate.GateType;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.testing.DynamoTableExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SpecStoreTest {

    // a table per test: the listing tests count every canary in the table
    @RegisterExtension
    final DynamoTableExtension dynamo = new DynamoTableExtension();

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final String YAML = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: podinfo, namespace: test}
            spec:
              analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
            """;

    private CanaryStore store() {
        return dynamo.store(Clock.fixed(T0, ZoneOffset.UTC));
    }

    @Test
    void keepsTheDocumentAsSubmittedWithANewVersionPerPut() {
        CanaryStore store = store();
        CanaryId id = new CanaryId("test", "podinfo");

        assertThat(store.putSpec(id, YAML)).isEqualTo(1);
        assertThat(store.putSpec(id, YAML + "# edited\n")).isEqualTo(2);

        assertThat(store.spec(id)).contains(new SpecRecord(id, YAML + "# edited\n", 2, T0));
        assertThat(store.spec(new CanaryId("test", "other"))).isEmpty();
    }

    @Test
    void remembersWhetherTheDocumentCameFromTheApiOrFromTheCluster() {
        CanaryStore store = store();
        CanaryId id = new CanaryId("test", "podinfo");

        store.putSpec(id, YAML);
        assertThat(store.spec(id).orElseThrow().origin()).isEqualTo(SpecOrigin.API);
        store.putSpec(id, YAML, SpecOrigin.CLUSTER);
        assertThat(store.spec(id).orElseThrow().fromCluster()).isTrue();
    }

    @Test
    void aProblemOfTheClusterObjectIsRecordedBesideTheDocumentAndANewDocumentClearsIt() {
        CanaryStore store = store();
        CanaryId id = new CanaryId("test", "podinfo");
        store.recordProblem(id, Optional.of("analysis.stepWeight: bad"));
        assertThat(store.spec(id)).as("no document: nothing recorded").isEmpty();

        store.putSpec(id, YAML, SpecOrigin.CLUSTER);
        store.recordProblem(id, Optional.of("analysis.stepWeight: bad"));
        SpecRecord kept = store.spec(id).orElseThrow();
        assertThat(kept.problem()).contains("analysis.stepWeight: bad");
        assertThat(kept.source()).isEqualTo(YAML);
        assertThat(kept.version()).as("the document is unchanged").isEqualTo(1);

        store.recordProblem(id, Optional.empty());
        assertThat(store.spec(id).orElseThrow().problem()).isEmpty();
        store.recordProblem(id, Optional.of("again"));
        store.putSpec(id, YAML + "# fixed\n", SpecOrigin.CLUSTER);
        assertThat(store.spec(id).orElseThrow().problem()).isEmpty();
    }

    @Test
    void deleteIsRefusedWhileARolloutRunsAndRemovesEverythingAfterwards() {
        CanaryStore store = store();
        CanaryId id = new CanaryId("test", "podinfo");
        store.putSpec(id, YAML);
        store.saveStatus(id, CanaryStatus.initial(T0), 0);
        store.claimRun(id, "run-1", "rev-1", T0);
        store.openGate(id, GateType.CONFIRM_PROMOTION, "alice", "looks good");
        store.append(new CanaryEvent(id, Message.Severity.NORMAL, "New revision detected!", CanaryPhase.PROGRESSING,
                T0, 0, 0, "run-1", "c"));

        assertThatThrownBy(() -> store.deleteCanary(id))
                .isInstanceOf(CanaryBusyException.class)
                .hasMessageContaining("deleteCanary test/podinfo")
                .hasMessageContaining("run-1");
        assertThat(store.spec(id)).isPresent();

        store.finishRun(id, "run-1", RunResult.SUCCEEDED, T0.plusSeconds(60));
        assertThat(store.deleteCanary(id)).isTrue();

        assertThat(store.spec(id)).isEmpty();
        assertThat(store.status(id)).isEmpty();
        assertThat(store.run(id, "run-1")).isEmpty();
        assertThat(store.gate(id, GateType.CONFIRM_PROMOTION).open()).isFalse();
        assertThat(store.events(id, 10, Optional.empty()).items()).isEmpty();
        assertThat(store.list(Optional.empty(), 10, Optional.empty()).items()).isEmpty();
        assertThat(dynamo.sdkClient().scan(s -> s.tableName(dynamo.tableName())).count()).isZero();
    }

    @Test
    void deletingAnUnknownCanarySaysSo() {
        assertThat(store().deleteCanary(new CanaryId("test", "ghost"))).isFalse();
    }

    @Test
    void aDeletedCanaryCannotBeClaimed() {
        CanaryStore store = store();
        CanaryId id = new CanaryId("test", "podinfo");
        store.putSpec(id, YAML);
        store.deleteCanary(id);

        assertThatThrownBy(() -> store.claimRun(id, "run-1", "rev-1", T0))
                .isInstanceOf(NoSuchCanaryException.class)
                .hasMessage("claimRun test/podinfo: no such canary");
    }

    @Test
    void listsCanariesThroughTheStatusIndexPageByPage() {
        CanaryStore store = store();
        List<CanaryId> ids = new ArrayList<>();
        for (String ns : List.of("prod", "test")) {
            for (int i = 0; i < 4; i++) {
                CanaryId id = new CanaryId(ns, "app-" + i);
                store.putSpec(id, YAML);
                ids.add(id);
            }
        }
        store.saveStatus(new CanaryId("prod", "app-2"), new CanaryStatus(CanaryPhase.PROGRESSING, 30, 1, 0, "x", T0, List.of()), 0);
        store.claimRun(new CanaryId("prod", "app-2"), "run-9", "rev-9", T0);

        List<CanarySummary> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            Page<CanarySummary> page = store.list(Optional.empty(), 3, cursor);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(3).isNotEmpty();
            seen.addAll(page.items());
            cursor = page.next();
            pages++;
        } while (cursor.isPresent());

        assertThat(pages).isEqualTo(3); // 3 + 3 + 2, and no empty last page
        assertThat(seen).extracting(CanarySummary::canary).containsExactlyElementsOf(ids);
        CanarySummary busy = seen.get(2);
        assertThat(busy.specVersion()).isEqualTo(1);
        assertThat(busy.status()).map(Versioned::value).map(CanaryStatus::canaryWeight).contains(30);
        assertThat(busy.activeRun()).map(ActiveRun::runId).contains("run-9");
        assertThat(seen.get(0).status()).isEmpty();
    }

    @Test
    void listsOneNamespace() {
        CanaryStore store = store();
        store.putSpec(new CanaryId("test", "a"), YAML);
        store.putSpec(new CanaryId("test2", "b"), YAML);
        store.putSpec(new CanaryId("test", "c"), YAML);

        Page<CanarySummary> first = store.list(Optional.of("test"), 1, Optional.empty());
        Page<CanarySummary> second = store.list(Optional.of("test"), 1, first.next());

        assertThat(first.items()).extracting(CanarySummary::canary).containsExactly(new CanaryId("test", "a"));
        assertThat(second.items()).extracting(CanarySummary::canary).containsExactly(new CanaryId("test", "c"));
        assertThat(second.next()).isEmpty();
        // a cursor of one namespace is no good for another
        assertThatThrownBy(() -> store.list(Optional.of("test2"), 1, first.next()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
    }
}

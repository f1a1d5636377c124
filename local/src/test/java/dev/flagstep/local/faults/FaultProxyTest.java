package dev.flagstep.local.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.aws.AwsException;
import dev.flagstep.local.LocalDynamo;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.DynamoDbCanaryStore;
import dev.flagstep.store.StoreException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fault proxy in front of DynamoDB Local: the client sees DynamoDB's own errors, and the data stays. */
class FaultProxyTest {

    static LocalDynamo dynamo;
    static DynamoDbCanaryStore store;
    static final CanaryId ID = new CanaryId("test", "faults");

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.startWithFaults(Optional.empty());
        store = new DynamoDbCanaryStore(dynamo.client(), LocalDynamo.TABLE, Clock.systemUTC());
        store.saveStatus(ID, CanaryStatus.initial(Instant.parse("2026-01-01T00:00:00Z")), 0);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    @Test
    void throttlingReachesTheCallerAsDynamoDbsOwnExceptionThenPassesAgain() {
        FaultProxy proxy = dynamo.faults().orElseThrow();
        proxy.answer(DynamoReplies.throughputExceeded());
        try {
            assertThatThrownBy(() -> store.statusRecord(ID))
                    .isInstanceOf(StoreException.class)
                    .hasCauseInstanceOf(AwsException.class)
                    .hasMessageContaining("ProvisionedThroughputExceededException")
                    .satisfies(e -> assertThat(((AwsException) e.getCause()).throttling()).isTrue());
        } finally {
            proxy.pass();
        }
        assertThat(store.statusRecord(ID)).isPresent();
    }

    @Test
    void aCountedAnswerPassesAgainByItself() {
        FaultProxy proxy = dynamo.faults().orElseThrow();
        proxy.answer(DynamoReplies.internalServerError(), 3); // the client's three attempts of one call

        assertThatThrownBy(() -> store.statusRecord(ID)).hasCauseInstanceOf(AwsException.class)
                .hasMessageContaining("InternalServerError")
                .satisfies(e -> assertThat(((AwsException) e.getCause()).status()).isEqualTo(500));
        assertThat(proxy.passing()).isTrue();
        assertThat(store.statusRecord(ID)).isPresent();
    }
}

package dev.flagstep.phases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Message;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TickEventsTest {

    private static final String RUN = "run-1";

    private static TickEvents tick(String state, String entered, CanaryPhase phase, boolean redelivery) {
        return new TickEvents(Optional.of(RUN + "/" + state + "@" + entered), () -> phase, () -> redelivery);
    }

    @Test
    void marksNameTheTickThePlaceTheTextAndThePhase() {
        TickEvents events = tick("Analysis", "2026-12-05T06:00:00Z", CanaryPhase.PROGRESSING, false);

        String first = events.next(Message.normal("Starting canary analysis for podinfo.test")).orElseThrow();
        String second = events.next(Message.normal("Starting canary analysis for podinfo.test")).orElseThrow();

        assertThat(first).startsWith("run-1/Analysis@2026-12-05T06:00:00Z#0:").endsWith("@Progressing");
        assertThat(second).startsWith("run-1/Analysis@2026-12-05T06:00:00Z#1:");
    }

    @Test
    void onlyARedeliveryReadsWhatWasRecordedAndOnlyOnce() {
        AtomicInteger reads = new AtomicInteger();
        TickEvents first = tick("Analysis", "2026-12-05T06:00:00Z", CanaryPhase.PROGRESSING, false);
        String mark = first.next(Message.normal("a")).orElseThrow();
        assertThat(first.sentBefore(mark, () -> {
            reads.incrementAndGet();
            return Set.of(mark);
        })).isFalse();
        assertThat(reads).hasValue(0);

        TickEvents again = tick("Analysis", "2026-12-05T06:00:00Z", CanaryPhase.PROGRESSING, true);
        String same = again.next(Message.normal("a")).orElseThrow();
        String other = again.next(Message.normal("b")).orElseThrow();
        assertThat(again.sentBefore(same, () -> {
            reads.incrementAndGet();
            return Set.of(mark);
        })).isTrue();
        assertThat(again.sentBefore(other, () -> {
            reads.incrementAndGet();
            return Set.of(mark);
        })).isFalse();
        assertThat(reads).hasValue(1);
    }

    @Test
    void outsideTheStateMachineNothingIsMarked() {
        TickEvents none = TickEvents.none(() -> dev.flagstep.analysis.CanaryStatus.initial(Instant.EPOCH));

        assertThat(none.next(Message.normal("a"))).isEmpty();
        assertThat(none.phase()).isEqualTo(CanaryPhase.INITIALIZING);
    }

    @Test
    void thePhaseOfTheLatestEarlierTickOfTheRun() {
        String analysis = tick("Analysis", "2026-12-05T06:00:00Z", CanaryPhase.PROGRESSING, false)
                .next(Message.normal("x")).orElseThrow();
        String rollback = tick("Rollback", "2026-12-05T06:00:10.5Z", CanaryPhase.WAITING_PROMOTION, false)
                .next(Message.warning("Canary failed! Scaling down podinfo.test")).orElseThrow();
        String later = tick("PostRollout", "2026-12-05T06:00:11Z", CanaryPhase.FAILED, false)
                .next(Message.normal("y")).orElseThrow();
        String otherRun = new TickEvents(Optional.of("run-0/Rollback@2026-12-05T06:00:10.9Z"), () -> CanaryPhase.PROMOTING,
                () -> false).next(Message.normal("z")).orElseThrow();
        Set<String> marks = Set.of(analysis, rollback, later, otherRun, "not a mark");

        assertThat(TickEvents.phaseOfLastTick(marks, RUN, Instant.parse("2026-12-05T06:00:11Z")))
                .contains(CanaryPhase.WAITING_PROMOTION);
        assertThat(TickEvents.phaseOfLastTick(marks, RUN, Instant.parse("2026-12-05T06:00:05Z")))
                .contains(CanaryPhase.PROGRESSING);
        assertThat(TickEvents.phaseOfLastTick(marks, "run-9", Instant.parse("2026-12-05T06:00:11Z"))).isEmpty();
    }
}

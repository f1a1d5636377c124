package dev.flagstep.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The timer's race with {@code send} returning, played in a fixed order: the tests fire the timer
 * themselves (its real deadline is an hour away), so no outcome depends on how fast this machine is.
 */
class AttemptTimerTest {

    private static Optional<Long> inAnHour() {
        return Optional.of(System.nanoTime() + Duration.ofHours(1).toNanos());
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void aTimerFinishedBeforeItsDeadlineIsCancelledAndNeverFires() {
        int before = AttemptTimer.pending();
        AttemptTimer timer = AttemptTimer.start(inAnHour());
        assertThat(AttemptTimer.pending()).isEqualTo(before + 1);

        assertThat(timer.finish()).isFalse();

        assertThat(AttemptTimer.pending()).as("cancelled and out of the queue").isEqualTo(before);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aTimerFiringAfterFinishLeavesNoInterruptBehind() {
        AttemptTimer timer = AttemptTimer.start(inAnHour());
        assertThat(timer.finish()).isFalse();

        timer.fire(); // a timer that went off just as send returned, too late to count

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aTimerFiringFirstInterruptsTheCallerAndFinishSaysSoAndClearsTheInterrupt() {
        AttemptTimer timer = AttemptTimer.start(inAnHour());

        timer.fire();
        assertThat(Thread.currentThread().isInterrupted()).as("send is interrupted").isTrue();

        assertThat(timer.finish()).as("timed out").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void noDeadlineSchedulesNothing() {
        int before = AttemptTimer.pending();
        AttemptTimer timer = AttemptTimer.start(Optional.empty());
        assertThat(AttemptTimer.pending()).isEqualTo(before);
        assertThat(timer.finish()).isFalse();
    }
}

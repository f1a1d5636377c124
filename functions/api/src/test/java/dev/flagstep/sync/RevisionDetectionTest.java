package dev.flagstep.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RevisionDetectionTest {

    static final String CURRENT = "5c75b466fb";
    static final String OTHER = "7d9f8c6b4";
    static final long GENERATION = 7;
    static final String NEW = CURRENT + "-g7";

    private static Optional<CanaryStatus> status(CanaryPhase phase, String checksum, String promoted) {
        return Optional.of(new CanaryStatus(phase, 0, 0, 0, checksum, Instant.EPOCH, List.of(), promoted));
    }

    private static Detection decide(boolean suspended, Optional<CanaryStatus> status, Optional<String> running) {
        return RevisionDetection.decide(suspended, CURRENT, GENERATION, status, running);
    }

    @Test
    void aNewCanaryStartsItsFirstRolloutNamedByChecksumAndGeneration() {
        assertThat(decide(false, Optional.empty(), Optional.empty())).isEqualTo(new Detection.Start(NEW));
    }

    @Test
    void suspendedStartsNothingWhateverTheStatus() {
        for (Optional<CanaryStatus> s : List.of(Optional.<CanaryStatus>empty(), status(CanaryPhase.SUCCEEDED, OTHER, OTHER))) {
            for (Optional<String> running : List.of(Optional.<String>empty(), Optional.of(OTHER + "-g1"))) {
                assertThat(decide(true, s, running)).isInstanceOf(Detection.Unchanged.class);
            }
        }
    }

    /** Flagger's hasSpecChanged does not look at the phase: every phase, every checksum case. */
    @ParameterizedTest
    @EnumSource(CanaryPhase.class)
    void everyPhaseAndChecksumCase(CanaryPhase phase) {
        // lastAppliedSpec empty: changed (a canary that never recorded a revision)
        assertThat(decide(false, status(phase, "", ""), Optional.empty())).isEqualTo(new Detection.Start(NEW));
        assertThat(decide(false, status(phase, "", OTHER), Optional.empty())).isEqualTo(new Detection.Start(NEW));
        // the applied revision: no change
        assertThat(decide(false, status(phase, CURRENT, ""), Optional.empty())).isInstanceOf(Detection.Unchanged.class);
        assertThat(decide(false, status(phase, CURRENT, OTHER), Optional.empty())).isInstanceOf(Detection.Unchanged.class);
        assertThat(decide(false, status(phase, CURRENT, CURRENT), Optional.empty())).isInstanceOf(Detection.Unchanged.class);
        // back to the promoted revision while another was applied: no change (Flagger's manual rollback)
        assertThat(decide(false, status(phase, OTHER, CURRENT), Optional.empty()))
                .isEqualTo(new Detection.Unchanged("back to the promoted revision " + CURRENT));
        // a different revision, nothing or something else promoted: changed
        assertThat(decide(false, status(phase, OTHER, ""), Optional.empty())).isEqualTo(new Detection.Start(NEW));
        assertThat(decide(false, status(phase, OTHER, OTHER), Optional.empty())).isEqualTo(new Detection.Start(NEW));
        assertThat(decide(false, status(phase, OTHER, "third"), Optional.empty())).isEqualTo(new Detection.Start(NEW));
    }

    @ParameterizedTest
    @EnumSource(CanaryPhase.class)
    void aRunningRolloutOfThisChecksumIsTheSameDetection(CanaryPhase phase) {
        for (String running : List.of(NEW, CURRENT + "-g3", CURRENT)) {
            assertThat(decide(false, status(phase, OTHER, ""), Optional.of(running))).isInstanceOf(Detection.Unchanged.class);
            assertThat(decide(false, Optional.empty(), Optional.of(running))).isInstanceOf(Detection.Unchanged.class);
        }
        // a running rollout of another revision is superseded by the new one
        assertThat(decide(false, status(phase, OTHER, ""), Optional.of(OTHER + "-g6"))).isEqualTo(new Detection.Start(NEW));
        // a checksum that merely starts like the current one is another revision
        assertThat(decide(false, status(phase, OTHER, ""), Optional.of(CURRENT + "x-g6"))).isEqualTo(new Detection.Start(NEW));
    }

    @Test
    void aToBToAIsANewRolloutBecauseTheGenerationMovedOn() {
        Optional<CanaryStatus> afterB = status(CanaryPhase.SUCCEEDED, OTHER, OTHER);
        assertThat(RevisionDetection.decide(false, CURRENT, 1, Optional.empty(), Optional.empty()))
                .isEqualTo(new Detection.Start(CURRENT + "-g1"));
        assertThat(RevisionDetection.decide(false, CURRENT, 3, afterB, Optional.empty()))
                .isEqualTo(new Detection.Start(CURRENT + "-g3"));
    }

    @Test
    void trackedConfigsAddTheirVersionsSoAConfigFlipBackIsANewExecution() {
        // a config edited A -> B -> A: same checksum and generation as the first run of A, other resourceVersions
        String first = "configmap/c=5;";
        String flippedBack = "configmap/c=9;";
        Detection a = RevisionDetection.decide(false, CURRENT, GENERATION, first, Optional.empty(), Optional.empty());
        Detection again = RevisionDetection.decide(false, CURRENT, GENERATION, flippedBack,
                status(CanaryPhase.SUCCEEDED, OTHER, OTHER), Optional.empty());
        assertThat(a).isInstanceOf(Detection.Start.class);
        assertThat(again).isInstanceOf(Detection.Start.class);
        String ra = ((Detection.Start) a).revision();
        String rb = ((Detection.Start) again).revision();
        assertThat(ra).startsWith(NEW + "-c").isNotEqualTo(rb);
        assertThat(rb).startsWith(NEW + "-c");
        // deterministic, and a running rollout of this checksum is still recognised
        assertThat(RevisionDetection.revision(CURRENT, GENERATION, first)).isEqualTo(ra);
        assertThat(RevisionDetection.decide(false, CURRENT, GENERATION, flippedBack,
                status(CanaryPhase.PROGRESSING, OTHER, OTHER), Optional.of(ra))).isInstanceOf(Detection.Unchanged.class);
        // no tracked config: the revision stays {checksum}-g{generation}
        assertThat(RevisionDetection.revision(CURRENT, GENERATION, "")).isEqualTo(NEW);
    }
}

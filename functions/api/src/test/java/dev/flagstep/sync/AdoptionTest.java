package dev.flagstep.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.StatusCondition;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AdoptionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CURRENT = "zxq2w5";
    static final String FLAGGER_HASH = "5c75b466fb";
    static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    static final Set<CanaryPhase> IN_FLIGHT = Set.of(CanaryPhase.PROGRESSING, CanaryPhase.WAITING,
            CanaryPhase.WAITING_PROMOTION, CanaryPhase.PROMOTING, CanaryPhase.FINALISING);

    private static ObjectNode flaggerStatus(String phase, String lastApplied) {
        ObjectNode s = JSON.createObjectNode().put("phase", phase).put("canaryWeight", 20).put("failedChecks", 1)
                .put("iterations", 2).put("lastAppliedSpec", lastApplied).put("lastPromotedSpec", "4f5b6c")
                .put("lastTransitionTime", "2025-12-31T10:00:00Z");
        s.putArray("conditions").addObject().put("type", "Promoted").put("status", "Unknown").put("reason", phase)
                .put("message", "m").put("lastUpdateTime", "2025-12-31T10:00:00Z")
                .put("lastTransitionTime", "2025-12-30T10:00:00Z");
        return s;
    }

    @ParameterizedTest
    @EnumSource(CanaryPhase.class)
    void everyPhaseWithEveryLastAppliedSpec(CanaryPhase phase) {
        for (String lastApplied : List.of("", FLAGGER_HASH, CURRENT)) {
            Optional<CanaryStatus> seed = Adoption.seed(flaggerStatus(phase.wireName(), lastApplied), CURRENT, NOW);
            switch (phase) {
                case INITIALIZED, SUCCEEDED -> {
                    assertThat(seed).isPresent();
                    assertThat(seed.get().checksum()).isEqualTo(CURRENT);
                    assertThat(seed.get().promotedChecksum()).isEqualTo(CURRENT);
                }
                case FAILED -> {
                    assertThat(seed).isPresent();
                    assertThat(seed.get().checksum()).isEqualTo(CURRENT);
                    assertThat(seed.get().promotedChecksum()).isEmpty();
                }
                case PROGRESSING, WAITING, WAITING_PROMOTION, PROMOTING, FINALISING -> {
                    if (lastApplied.equals(FLAGGER_HASH)) {
                        assertThat(seed).isPresent();
                        assertThat(seed.get().checksum()).isEqualTo(FLAGGER_HASH);
                        assertThat(seed.get().promotedChecksum()).isEmpty();
                    } else {
                        // nothing foreign to restart from: onboarded as a new canary
                        assertThat(seed).as(phase + " lastAppliedSpec '" + lastApplied + "'").isEmpty();
                    }
                }
                case INITIALIZING, TERMINATING, TERMINATED -> assertThat(seed).isEmpty();
            }
            seed.ifPresent(s -> {
                assertThat(s.phase()).isEqualTo(phase);
                assertThat(s.canaryWeight()).isEqualTo(20);
                assertThat(s.failedChecks()).isEqualTo(1);
                assertThat(s.iterations()).isEqualTo(2);
                assertThat(s.lastTransitionTime()).isEqualTo(Instant.parse("2025-12-31T10:00:00Z"));
                assertThat(s.conditions()).containsExactly(new StatusCondition("Promoted", "Unknown", phase.wireName(), "m",
                        Instant.parse("2025-12-31T10:00:00Z"), Instant.parse("2025-12-30T10:00:00Z")));
            });
        }
    }

    @Test
    void noStatusOrAnEmptyOrUnknownPhaseIsNothingToAdopt() {
        assertThat(Adoption.seed(JSON.createObjectNode(), CURRENT, NOW)).isEmpty();
        assertThat(Adoption.seed(JSON.createObjectNode().put("phase", ""), CURRENT, NOW)).isEmpty();
        assertThat(Adoption.seed(JSON.createObjectNode().put("phase", "Exploded"), CURRENT, NOW)).isEmpty();
    }

    @Test
    void anAdoptedSettledCanaryStartsNothingUntilItsTemplateChanges() {
        CanaryStatus seed = Adoption.seed(flaggerStatus("Succeeded", FLAGGER_HASH), CURRENT, NOW).orElseThrow();
        assertThat(RevisionDetection.decide(false, CURRENT, 4, Optional.of(seed), Optional.empty()))
                .isInstanceOf(Detection.Unchanged.class);
        assertThat(RevisionDetection.decide(false, "newer", 5, Optional.of(seed), Optional.empty()))
                .isEqualTo(new Detection.Start("newer-g5"));
        for (CanaryPhase p : IN_FLIGHT) {
            CanaryStatus inFlight = Adoption.seed(flaggerStatus(p.wireName(), FLAGGER_HASH), CURRENT, NOW).orElseThrow();
            assertThat(RevisionDetection.decide(false, CURRENT, 4, Optional.of(inFlight), Optional.empty()))
                    .as("an analysis Flagger left in flight restarts").isEqualTo(new Detection.Start(CURRENT + "-g4"));
        }
    }

    @Test
    void unreadableTimesFallBackToNow() {
        ObjectNode s = JSON.createObjectNode().put("phase", "Initialized").put("lastTransitionTime", "yesterday");
        assertThat(Adoption.seed(s, CURRENT, NOW).orElseThrow().lastTransitionTime()).isEqualTo(NOW);
        assertThat(Adoption.seed(s, CURRENT, NOW).orElseThrow().conditions()).isEmpty();
    }
}

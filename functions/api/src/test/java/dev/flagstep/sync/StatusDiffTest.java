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
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class StatusDiffTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T = Instant.parse("2026-01-02T03:04:05.123456Z");
    static final CanaryStatus STORED = new CanaryStatus(CanaryPhase.PROGRESSING, 20, 1, 2, "abc", T,
            List.of(new StatusCondition("Promoted", "Unknown", "Progressing", "New revision detected, progressing canary analysis.", T, T)),
            "def");

    static ObjectNode object(Consumer<ObjectNode> change) {
        ObjectNode o = JSON.createObjectNode();
        ObjectNode s = o.putObject("status").put("phase", "Progressing").put("canaryWeight", 20).put("failedChecks", 1)
                .put("iterations", 2).put("lastAppliedSpec", "abc").put("lastPromotedSpec", "def")
                .put("lastTransitionTime", "2026-01-02T03:04:05Z");
        s.putArray("conditions").addObject().put("type", "Promoted").put("status", "Unknown").put("reason", "Progressing")
                .put("message", "New revision detected, progressing canary analysis.");
        change.accept(s);
        return o;
    }

    @Test
    void theSameFlaggerFieldsAreNoDifference() {
        assertThat(StatusDiff.differs(object(s -> {}), STORED, Optional.empty())).isFalse();
        // fields Flagger does not have, and sub-second precision, do not count
        assertThat(StatusDiff.differs(object(s -> s.put("lastTransitionTime", "2026-01-02T03:04:05.9Z")), STORED, Optional.empty())).isFalse();
    }

    @Test
    void eachFlaggerFieldCounts() {
        List<Consumer<ObjectNode>> changes = List.of(
                s -> s.put("phase", "Succeeded"), s -> s.put("canaryWeight", 30), s -> s.put("canaryWeight", "20"),
                s -> s.remove("canaryWeight"), s -> s.put("failedChecks", 0), s -> s.put("iterations", 3),
                s -> s.put("lastAppliedSpec", "x"), s -> s.put("lastPromotedSpec", ""), s -> s.put("lastTransitionTime", "2026-01-02T03:04:06Z"),
                s -> s.remove("lastTransitionTime"), s -> ((ObjectNode) s.get("conditions").get(0)).put("status", "True"),
                s -> ((ObjectNode) s.get("conditions").get(0)).put("reason", "Waiting"), s -> s.remove("conditions"),
                s -> s.withArray("conditions").addObject().put("type", "Stalled").put("status", "True").put("message", "x"));
        for (Consumer<ObjectNode> change : changes) {
            assertThat(StatusDiff.differs(object(change), STORED, Optional.empty())).isTrue();
        }
        assertThat(StatusDiff.differs(JSON.createObjectNode(), STORED, Optional.empty())).isTrue();
    }

    @Test
    void stalledMustNameTheProblemWhileInvalid() {
        String problem = "analysis.metrics[0].templateRef: no MetricTemplate";
        assertThat(StatusDiff.differs(object(s -> {}), STORED, Optional.of(problem))).isTrue();
        ObjectNode stalled = object(s -> s.withArray("conditions").addObject().put("type", "Stalled").put("status", "True")
                .put("reason", "InvalidSpec").put("message", problem));
        assertThat(StatusDiff.differs(stalled, STORED, Optional.of(problem))).isFalse();
        assertThat(StatusDiff.differs(stalled, STORED, Optional.of("analysis.interval: bad"))).isTrue();
        assertThat(StatusDiff.differs(stalled, STORED, Optional.empty())).isTrue();
    }

    @Test
    void trackedConfigsCountOnlyWhenSomeAreTracked() {
        assertThat(StatusDiff.matches(object(s -> {}).path("status"), STORED, Optional.empty())).isTrue();
        assertThat(StatusDiff.matches(object(s -> s.putObject("trackedConfigs").put("configmap/x", "1")).path("status"),
                STORED, Optional.empty())).as("nothing tracked: Flagger's map stays").isTrue();
        CanaryStatus tracked = STORED.withTrackedConfigs(java.util.Map.of("configmap/x", "2"));
        assertThat(StatusDiff.matches(object(s -> {}).path("status"), tracked, Optional.empty())).isFalse();
        assertThat(StatusDiff.matches(object(s -> s.putObject("trackedConfigs").put("configmap/x", "1")).path("status"),
                tracked, Optional.empty())).isFalse();
        assertThat(StatusDiff.matches(object(s -> s.putObject("trackedConfigs").put("configmap/x", "2")).path("status"),
                tracked, Optional.empty())).isTrue();
    }
}

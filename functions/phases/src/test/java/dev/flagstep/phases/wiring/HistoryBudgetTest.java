package dev.flagstep.phases.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.phases.Decision;
import dev.flagstep.phases.PhaseInput;
import dev.flagstep.phases.PhaseJson;
import dev.flagstep.phases.PhaseOutput;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HistoryBudgetTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PhaseJson JSON = new PhaseJson(MAPPER);
    private static final HistoryBudget THREE = new HistoryBudget(3);

    private static ObjectNode input() {
        ObjectNode in = MAPPER.createObjectNode();
        in.putObject("canary").put("namespace", "test").put("name", "podinfo");
        return in.put("runId", "test-podinfo-6-7-1").put("revision", "6.7.1").put("intervalSeconds", 10)
                .put("tick", "ConfirmPromotion@2026-01-01T00:00:00Z");
    }

    private static ObjectNode counting(int ticks, String execution) {
        return input().put("ticks", ticks).put("execution", execution);
    }

    private static HistoryBudget.Spent after(HistoryBudget budget, JsonNode in) {
        PhaseInput read = JSON.read(in);
        return budget.after(read.ticks(), read.tick(), read.execution());
    }

    @Test
    void eachTickCountsOneAndTheLastTickOfTheBudgetHandsOver() {
        assertThat(after(THREE, counting(0, "test-podinfo-6-7-1"))).isEqualTo(new HistoryBudget.Spent(1, Optional.empty()));
        assertThat(after(THREE, counting(1, "test-podinfo-6-7-1"))).isEqualTo(new HistoryBudget.Spent(2, Optional.empty()));
        assertThat(after(THREE, counting(2, "test-podinfo-6-7-1"))).isEqualTo(new HistoryBudget.Spent(3,
                Optional.of(new HistoryBudget.Continuation("ConfirmPromotionDecision", "test-podinfo-6-7-1.1"))));
        // a count past the budget (a budget lowered meanwhile) hands over at once
        assertThat(after(THREE, counting(7, "test-podinfo-6-7-1.4")).handover()).contains(
                new HistoryBudget.Continuation("ConfirmPromotionDecision", "test-podinfo-6-7-1.5"));
    }

    @Test
    void statesThatDoNotCountStartTheirOwnCountAndNeverHandOver() {
        // Initialize, Rollback and PostRollout pass no ticks: however long the run, no handover there
        assertThat(after(THREE, input())).isEqualTo(new HistoryBudget.Spent(1, Optional.empty()));
        assertThat(after(THREE, input().put("ticks", 5))).as("no execution name to continue")
                .isEqualTo(new HistoryBudget.Spent(6, Optional.empty()));
        assertThat(after(THREE, counting(5, "x").put("tick", ""))).as("invoked by hand: no state")
                .isEqualTo(new HistoryBudget.Spent(6, Optional.empty()));
    }

    @Test
    void theAnswerAlwaysSaysWhetherItHandsOver() {
        PhaseOutput out = PhaseOutput.of(JSON.read(input()), Decision.CLOSED);
        ObjectNode stay = JSON.write(out, after(THREE, counting(0, "test-podinfo-6-7-1")));
        assertThat(stay.get("ticks").intValue()).isEqualTo(1);
        assertThat(stay.get("handover").booleanValue()).isFalse();
        assertThat(stay.has("resumeAt")).isFalse();
        ObjectNode go = JSON.write(out, after(THREE, counting(2, "test-podinfo-6-7-1")));
        assertThat(go.get("handover").booleanValue()).isTrue();
        assertThat(go.get("resumeAt").textValue()).isEqualTo("ConfirmPromotionDecision");
        assertThat(go.get("nextExecution").textValue()).isEqualTo("test-podinfo-6-7-1.1");
        assertThat(go.get("decision").textValue()).isEqualTo("closed");
        assertThat(JSON.write(out).get("handover").booleanValue()).isFalse();
    }

    @Test
    void theBudgetComesFromTheEnvironment() {
        assertThat(HistoryBudget.fromEnvironment(Map.of())).isEqualTo(HistoryBudget.standard());
        assertThat(HistoryBudget.fromEnvironment(Map.of(HistoryBudget.ENVIRONMENT, " 40 "))).isEqualTo(new HistoryBudget(40));
        assertThatThrownBy(() -> HistoryBudget.fromEnvironment(Map.of(HistoryBudget.ENVIRONMENT, "many")))
                .hasMessageContaining(HistoryBudget.ENVIRONMENT);
        assertThatThrownBy(() -> new HistoryBudget(1)).hasMessageContaining("at least 2");
    }

    @Test
    void aTickCountThatIsNotAWholeNumberIsRefusedByName() {
        assertThatThrownBy(() -> JSON.read(input().put("ticks", "3"))).hasMessageContaining("\"ticks\"");
        assertThatThrownBy(() -> JSON.read(input().put("ticks", -1))).hasMessageContaining("\"ticks\"");
    }
}

package dev.flagstep.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.PhaseContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlaggerStatusTest {

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123456Z");
    static final Instant T1 = Instant.parse("2025-03-01T10:01:00.987Z");
    static final PhaseContext CTX = new PhaseContext("Deployment", 10);

    /** Flagger's CRD status schema (artifacts/flagger/crd.yaml): any other field would be pruned. */
    static final Set<String> SCHEMA_FIELDS = Set.of("phase", "failedChecks", "canaryWeight", "iterations", "trackedConfigs",
            "lastAppliedSpec", "lastPromotedSpec", "lastTransitionTime", "sessionAffinityCookie",
            "primarySessionAffinityCookie", "previousSessionAffinityCookie", "conditions");
    static final Set<String> CONDITION_FIELDS = Set.of("type", "status", "reason", "message", "lastUpdateTime",
            "lastTransitionTime");
    static final Set<String> PHASE_ENUM = Set.of("", "Initializing", "Initialized", "Waiting", "Progressing",
            "WaitingPromotion", "Promoting", "Finalising", "Succeeded", "Failed", "Terminating", "Terminated");

    static CanaryStatus at(CanaryPhase phase) {
        return CanaryStatus.initial(T0).withChecksum("abc123").setPhase(phase, CTX, T1);
    }

    @ParameterizedTest
    @EnumSource(CanaryPhase.class)
    void everyPhaseRendersFlaggersFieldsWithTheirTypesAndNothingTheSchemaPrunes(CanaryPhase phase) {
        ObjectNode s = FlaggerStatus.render(at(phase).withCanaryWeight(30, T1).withFailedChecks(2, T1).withIterations(4, T1),
                Optional.empty());

        assertThat(names(s)).isSubsetOf(SCHEMA_FIELDS);
        assertThat(PHASE_ENUM).contains(s.get("phase").asText());
        assertThat(s.get("phase").asText()).isEqualTo(phase.wireName());
        for (String n : List.of("canaryWeight", "failedChecks", "iterations")) {
            assertThat(s.get(n).isNumber()).as(n).isTrue();
        }
        assertThat(s.get("canaryWeight").asInt()).isEqualTo(30);
        assertThat(s.get("failedChecks").asInt()).isEqualTo(2);
        assertThat(s.get("iterations").asInt()).isEqualTo(4);
        assertThat(s.get("lastAppliedSpec").asText()).isEqualTo("abc123");
        assertThat(s.get("lastTransitionTime").asText()).isEqualTo("2025-03-01T10:01:00Z");
        JsonNode conditions = s.get("conditions");
        assertThat(conditions.isArray()).isTrue();
        assertThat(conditions).hasSize(1);
        JsonNode promoted = conditions.get(0);
        assertThat(names(promoted)).containsExactlyInAnyOrderElementsOf(CONDITION_FIELDS);
        assertThat(promoted.get("type").asText()).isEqualTo("Promoted");
        assertThat(promoted.get("reason").asText()).isEqualTo(phase.wireName());
        assertThat(promoted.get("lastUpdateTime").asText()).isEqualTo("2025-03-01T10:01:00Z");
        assertThat(promoted.get("lastTransitionTime").asText()).isEqualTo("2025-03-01T10:01:00Z");
    }

    @ParameterizedTest
    @EnumSource(CanaryPhase.class)
    void kubectlWaitForConditionPromotedIsMetExactlyWhenFlaggersWouldBe(CanaryPhase phase) {
        ObjectNode s = FlaggerStatus.render(at(phase), Optional.empty());
        boolean expected = phase == CanaryPhase.INITIALIZED || phase == CanaryPhase.SUCCEEDED;
        assertThat(kubectlWaitMet(s, "Promoted")).as(phase.wireName()).isEqualTo(expected);
        assertThat(kubectlWaitMet(s, "promoted")).as("kubectl matches the type case-insensitively").isEqualTo(expected);
        String status = switch (phase) {
            case INITIALIZED, SUCCEEDED -> "True";
            case FAILED -> "False";
            default -> "Unknown";
        };
        assertThat(s.at("/conditions/0/status").asText()).isEqualTo(status);
    }

    @ParameterizedTest
    @EnumSource(CanaryPhase.class)
    void argoCdsHealthCheckReadsEveryPhaseWithoutError(CanaryPhase phase) {
        String health = argoHealth(FlaggerStatus.render(at(phase).withCanaryWeight(20, T1), Optional.empty()));
        String expected = switch (phase) {
            case FAILED -> "Degraded";
            case PROGRESSING, FINALISING, PROMOTING -> "Progressing";
            case SUCCEEDED, INITIALIZED -> "Healthy";
            default -> "Unknown";
        };
        assertThat(health).startsWith(expected + ":");
    }

    @Test
    void aNewCanaryHasAnEmptyConditionsArrayAndNoChecksums() {
        ObjectNode s = FlaggerStatus.render(CanaryStatus.initial(T0), Optional.empty());

        assertThat(s.get("conditions").isArray()).isTrue();
        assertThat(s.get("conditions")).isEmpty();
        assertThat(s.has("lastAppliedSpec")).isFalse();
        assertThat(s.has("lastPromotedSpec")).isFalse();
        assertThat(s.get("canaryWeight").isNumber()).isTrue();
        assertThat(argoHealth(s)).isEqualTo("Unknown:Initializing");
    }

    @Test
    void promotedChecksumIsLastPromotedSpec() {
        ObjectNode s = FlaggerStatus.render(at(CanaryPhase.SUCCEEDED), Optional.empty());
        assertThat(s.get("lastPromotedSpec").asText()).isEqualTo("abc123");
        assertThat(FlaggerStatus.render(at(CanaryPhase.PROGRESSING), Optional.empty()).has("lastPromotedSpec")).isFalse();
    }

    @Test
    void anInvalidSpecAddsAStalledConditionNamingTheFieldAfterPromoted() {
        ObjectNode s = FlaggerStatus.render(at(CanaryPhase.SUCCEEDED),
                Optional.of("analysis.threshold: must be a positive integer"));

        assertThat(s.get("conditions")).hasSize(2);
        assertThat(s.at("/conditions/0/type").asText()).isEqualTo("Promoted");
        JsonNode stalled = s.at("/conditions/1");
        assertThat(names(stalled)).containsExactlyInAnyOrderElementsOf(CONDITION_FIELDS);
        assertThat(stalled.get("type").asText()).isEqualTo("Stalled");
        assertThat(stalled.get("status").asText()).isEqualTo("True");
        assertThat(stalled.get("reason").asText()).isEqualTo("InvalidSpec");
        assertThat(stalled.get("message").asText())
                .isEqualTo("Canary spec is invalid: analysis.threshold: must be a positive integer");
        assertThat(stalled.get("lastTransitionTime").asText()).isEqualTo("2025-03-01T10:01:00Z");
        // still Promoted as before: kubectl wait and Argo CD read the phase, not the stall
        assertThat(kubectlWaitMet(s, "Promoted")).isTrue();
        assertThat(kubectlWaitMet(s, "Stalled")).isTrue();
        assertThat(argoHealth(s)).startsWith("Healthy:");
    }

    @Test
    void aStalledNewCanaryStillHasAnArrayWithOnlyTheStall() {
        ObjectNode s = FlaggerStatus.render(CanaryStatus.initial(T0), Optional.of("spec.targetRef.name: required"));
        assertThat(s.get("conditions")).hasSize(1);
        assertThat(s.at("/conditions/0/type").asText()).isEqualTo("Stalled");
    }

    @Test
    void theMergePatchWrapsTheStatusAndRemovesChecksumsFlagstepHasNone() {
        ObjectNode patch = FlaggerStatus.mergePatch(at(CanaryPhase.PROGRESSING), Optional.empty());

        assertThat(names(patch)).containsExactly("status");
        JsonNode s = patch.get("status");
        assertThat(s.get("lastAppliedSpec").asText()).isEqualTo("abc123");
        assertThat(s.get("lastPromotedSpec").isNull()).isTrue();
        assertThat(s.has("trackedConfigs")).as("Flagger's tracked configs stay valid: left alone").isFalse();
        assertThat(names(s)).isSubsetOf(SCHEMA_FIELDS);

        JsonNode fresh = FlaggerStatus.mergePatch(CanaryStatus.initial(T0), Optional.empty()).get("status");
        assertThat(fresh.get("lastAppliedSpec").isNull()).isTrue();
        assertThat(fresh.get("lastPromotedSpec").isNull()).isTrue();
    }

    @Test
    void timesAreRfc3339InUtcWholeSeconds() {
        assertThat(FlaggerStatus.time(Instant.parse("2025-12-31T23:59:59.999999999Z"))).isEqualTo("2025-12-31T23:59:59Z");
        assertThat(FlaggerStatus.time(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
    }

    // --- the consumers, as their code reads the status ---

    /** kubectl's checkCondition (pkg/cmd/wait/condition.go): type case-insensitive, status "True". */
    static boolean kubectlWaitMet(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asText().equalsIgnoreCase(type)) {
                return c.path("status").asText().equals("True");
            }
        }
        return false;
    }

    /**
     * Argo CD's resource_customizations/flagger.app/Canary/health.lua, as "status:message": the Lua calls
     * {@code tonumber(canaryWeight) > 0} and {@code ipairs(conditions)} unguarded; here a missing or non-number
     * weight and non-array conditions fail the test as they error the Lua.
     */
    static String argoHealth(JsonNode status) {
        assertThat(status.get("canaryWeight")).as("canaryWeight").isNotNull();
        assertThat(status.get("canaryWeight").isNumber()).as("canaryWeight is a number").isTrue();
        assertThat(status.get("conditions")).as("conditions").isNotNull();
        assertThat(status.get("conditions").isArray()).as("conditions is an array").isTrue();
        String phase = status.path("phase").asText();
        String health = switch (phase) {
            case "Failed" -> "Degraded";
            case "Progressing", "Finalising", "Promoting" -> "Progressing";
            case "Succeeded", "Initialized" -> "Healthy";
            default -> "Unknown";
        };
        StringBuilder msg = new StringBuilder(phase);
        if (status.get("canaryWeight").asDouble() > 0) msg.append(" --- Canary Weight: ").append(status.get("canaryWeight").asInt()).append(" %");
        for (JsonNode c : status.get("conditions")) msg.append(" --- ").append(c.path("message").asText());
        return health + ":" + msg;
    }

    static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }

    @Test
    void trackedConfigsAreWrittenOnlyWhenThereAreSome() {
        assertThat(FlaggerStatus.render(at(CanaryPhase.SUCCEEDED), Optional.empty()).has("trackedConfigs")).isFalse();
        assertThat(FlaggerStatus.mergePatch(at(CanaryPhase.SUCCEEDED), Optional.empty()).path("status").has("trackedConfigs"))
                .as("a merge patch leaves what Flagger wrote").isFalse();
        ObjectNode s = FlaggerStatus.render(at(CanaryPhase.SUCCEEDED).withTrackedConfigs(java.util.Map.of(
                "secret/podinfo-secret", "6010bdf95cfd9d10", "configmap/podinfo-config", "f234cb93c08ad64e")), Optional.empty());
        assertThat(s.get("trackedConfigs").toString())
                .isEqualTo("{\"configmap/podinfo-config\":\"f234cb93c08ad64e\",\"secret/podinfo-secret\":\"6010bdf95cfd9d10\"}");
    }
}

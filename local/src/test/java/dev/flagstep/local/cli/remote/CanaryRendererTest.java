package dev.flagstep.local.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code flagstep get}'s text from fixed API answers and a fixed instant: no server, no wall clock. */
class CanaryRendererTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-11-24T06:10:00Z");

    static final String DOCUMENT = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata:
              name: podinfo
              namespace: test
            spec:
              provider: gatewayapi:v1
              targetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: podinfo
              service:
                port: 9898
                gatewayRefs:
                  - name: public
                    namespace: istio-system
              analysis:
                interval: 1m
                threshold: 5
                maxWeight: 50
                stepWeight: 10
            """;

    /** A canary at 30% with 2 failed checks, a promotion gate a rollout waits on, a rollback gate opened by someone. */
    static ObjectNode progressing() throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree("""
                {"namespace":"test","name":"podinfo","version":2,
                 "status":{"phase":"Progressing","canaryWeight":30,"failedChecks":2,"iterations":0,"checksum":"x",
                           "lastTransitionTime":"2026-11-24T06:00:00Z","conditions":[],"version":7},
                 "activeRun":{"runId":"test-podinfo-6-7-1-1a2b3c4d","revision":"6.7.1","since":"2026-11-24T06:05:00Z"},
                 "gates":{"confirm-promotion":{"type":"confirm-promotion","open":false,"rolloutWaiting":true,
                                               "waitingSince":"2026-11-24T06:09:00Z"},
                          "rollback":{"type":"rollback","open":true,"who":"arn:aws:iam::123456789012:user/ann",
                                      "why":"error rate","when":"2026-11-24T06:07:00Z","rolloutWaiting":false}},
                 "events":[{"timestamp":"2026-11-24T06:09:30Z","type":"Warning","message":"Halt advancement request-success-rate 91.00 < 99",
                            "phase":"Progressing","canaryWeight":30,"failedChecks":2,"runId":"r"},
                           {"timestamp":"2026-11-24T06:08:00Z","type":"Normal","message":"Advance podinfo.test canary weight 30",
                            "phase":"Progressing","canaryWeight":30,"failedChecks":0,"runId":"r"}]}
                """);
        c.put("document", DOCUMENT);
        return c;
    }

    @Test
    void showsThePhaseTheWeightBarFailedChecksAgainstTheThresholdGatesAndEvents() throws Exception {
        List<String> lines = new CanaryRenderer().render(progressing(), Optional.empty(), NOW);

        assertThat(lines).containsExactly(
                "test/podinfo  Progressing  weight 30%  failed 2  revision 6.7.1 running 5m",
                "  weight   [######----|---------]  30% (max 50%, step 10%)",
                "  checks   2 failed / threshold 5",
                "  gates    confirm-promotion         closed  <- rollout waiting 60s",
                "           rollback                  open by arn:aws:iam::123456789012:user/ann 3m ago: \"error rate\"",
                "  events   (newest first)",
                "    30s   Warning Halt advancement request-success-rate 91.00 < 99",
                "    2m    Normal  Advance podinfo.test canary weight 30");
    }

    @Test
    void aRunWithAnExecutionArnLinksToTheStepFunctionsConsole() throws Exception {
        JsonNode run = JSON.readTree("""
                {"runId":"test-podinfo-6-7-1-1a2b3c4d","revision":"6.7.1","startedAt":"2026-11-24T06:05:00Z",
                 "executionArn":"arn:aws:states:eu-west-1:123456789012:execution:flagstep-canary:test-podinfo-6-7-1-1a2b3c4d",
                 "approvals":[],"operations":[]}
                """);

        List<String> lines = new CanaryRenderer().render(progressing(), Optional.of(run), NOW);

        assertThat(lines).contains("  run      test-podinfo-6-7-1-1a2b3c4d  revision 6.7.1  running since 5m",
                "  console  https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/"
                        + "arn:aws:states:eu-west-1:123456789012:execution:flagstep-canary:test-podinfo-6-7-1-1a2b3c4d");
    }

    @Test
    void aFinishedRunShowsItsResultAndTheLocalRuntimesArnHasNoConsoleLink() throws Exception {
        ObjectNode idle = progressing();
        idle.putNull("activeRun");
        JsonNode run = JSON.readTree("""
                {"runId":"r1","revision":"6.7.0","startedAt":"2026-11-24T05:00:00Z","endedAt":"2026-11-24T05:04:10Z",
                 "result":"Failed","durationSeconds":250,
                 "executionArn":"arn:aws:states:local:000000000000:execution:canary:r1","approvals":[],"operations":[]}
                """);

        List<String> lines = new CanaryRenderer().render(idle, Optional.of(run), NOW);

        assertThat(lines.getFirst()).endsWith("  idle");
        assertThat(lines).contains("  run      r1  revision 6.7.0  Failed after 4m 10s, 65m ago");
        assertThat(lines).noneMatch(l -> l.contains("console"));
    }

    @Test
    void aCanaryWithoutStatusSaysHowToStartItsFirstRollout() throws Exception {
        ObjectNode fresh = (ObjectNode) JSON.readTree("{\"namespace\":\"test\",\"name\":\"podinfo\",\"status\":null,"
                + "\"activeRun\":null,\"gates\":{},\"events\":[]}");

        assertThat(new CanaryRenderer().render(fresh, Optional.empty(), NOW)).containsExactly(
                "test/podinfo  (no status)  idle",
                "  no rollout yet: flagstep rollout test/podinfo --revision R");
    }

    @Test
    void theBarFillsOneCellPerFivePercentAndMarksMaxWeight() {
        assertThat(CanaryRenderer.bar(0, 50)).isEqualTo("[----------|---------]");
        assertThat(CanaryRenderer.bar(50, 50)).isEqualTo("[##########|---------]");
        assertThat(CanaryRenderer.bar(100, 100)).isEqualTo("[####################]");
        assertThat(CanaryRenderer.bar(35, 100)).isEqualTo("[#######-------------]");
    }

    @Test
    void agesAreSecondsMinutesHoursThenDays() {
        assertThat(CanaryRenderer.age("2026-11-24T06:09:01Z", NOW)).isEqualTo("59s");
        assertThat(CanaryRenderer.age("2026-11-24T06:00:00Z", NOW)).isEqualTo("10m");
        assertThat(CanaryRenderer.age("2026-11-23T06:10:00Z", NOW)).isEqualTo("24h");
        assertThat(CanaryRenderer.age("2026-11-20T06:10:00Z", NOW)).isEqualTo("4d");
        assertThat(CanaryRenderer.age("not a time", NOW)).isEqualTo("?");
    }
}

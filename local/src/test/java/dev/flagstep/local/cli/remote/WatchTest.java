package dev.flagstep.local.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.local.cli.Args;
import dev.flagstep.local.cli.remote.ScriptedApi.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code get -w} against a scripted sequence of API answers, with the sleeper injected (no real waits) and the
 * terminal writing into a buffer: plain lines when piped, in-place redraws on an ANSI terminal, and the exit code
 * of the rollout it watched.
 */
class WatchTest {

    static final String PATH = "/canaries/test/podinfo";

    ScriptedApi api;
    TestEnvironment test = new TestEnvironment();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        api = new ScriptedApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static String canary(String phase, int weight, String activeRun, String... events) {
        StringBuilder ev = new StringBuilder();
        for (int i = events.length - 1; i >= 0; i--) { // newest first, as the API answers
            ev.append(ev.isEmpty() ? "" : ",").append("{\"timestamp\":\"2026-11-24T06:0").append(i).append(":00.123456Z\",")
                    .append("\"type\":\"Normal\",\"message\":\"").append(events[i]).append("\",\"phase\":\"").append(phase)
                    .append("\",\"canaryWeight\":").append(weight).append(",\"failedChecks\":0,\"runId\":\"r1\"}");
        }
        return "{\"namespace\":\"test\",\"name\":\"podinfo\",\"status\":{\"phase\":\"" + phase + "\",\"canaryWeight\":" + weight
                + ",\"failedChecks\":0,\"iterations\":0},\"activeRun\":"
                + (activeRun == null ? "null" : "{\"runId\":\"" + activeRun + "\",\"revision\":\"6.7.1\",\"since\":\"2026-11-24T06:00:00Z\"}")
                + ",\"gates\":{},\"events\":[" + ev + "]}";
    }

    int watch(boolean terminal, String... extra) {
        List<String> argv = new java.util.ArrayList<>(List.of("test/podinfo", "--watch", "--interval", "5"));
        argv.addAll(List.of(extra));
        Args args = Args.parse(argv, Set.of("interval", "output"), Set.of("watch"));
        var env = test.env(java.util.Map.of(), terminal, java.util.Optional.empty());
        var in = new Invocation(args, new ApiClient(api.url(), new RequestSigner.Unsigned(), env.http()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), env);
        return new GetVerb().run(in);
    }

    String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pipedItPrintsTheFirstPictureThenEachNewEventAndStatusChangeOnceAndEndsWithTheRollout() {
        api.on("GET " + PATH,
                Reply.json(canary("Progressing", 10, "r1", "New revision detected", "Advance weight 10")),
                Reply.json(canary("Progressing", 10, "r1", "New revision detected", "Advance weight 10")),
                Reply.json(canary("Progressing", 20, "r1", "New revision detected", "Advance weight 10", "Advance weight 20")),
                Reply.json(canary("Succeeded", 0, null, "New revision detected", "Advance weight 10", "Advance weight 20",
                        "Promotion completed")));

        int exit = watch(false);

        assertThat(exit).isZero();
        String text = output();
        assertThat(text).doesNotContain("\033[");
        assertThat(text).startsWith("test/podinfo  Progressing  weight 10%  failed 0  revision 6.7.1 running 10m\n");
        assertThat(text).containsOnlyOnce("Advance weight 10");
        // unchanged second poll: nothing printed; then one line per new event and per status change, in order
        assertThat(text).endsWith("""
                2026-11-24T06:02:00Z  Normal  Advance weight 20
                test/podinfo  Progressing  weight 20%  failed 0  revision 6.7.1 running
                2026-11-24T06:03:00Z  Normal  Promotion completed
                test/podinfo  Succeeded  weight 0%  failed 0  idle
                """);
        // four polls, three waits of --interval in between, none after the end
        assertThat(test.sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(api.count("GET " + PATH)).isEqualTo(4);
    }

    @Test
    void onATerminalEachPollRedrawsTheFrameInPlace() {
        api.on("GET " + PATH,
                Reply.json(canary("Progressing", 10, "r1", "Advance weight 10")),
                Reply.json(canary("Progressing", 20, "r1", "Advance weight 10", "Advance weight 20")),
                Reply.json(canary("Succeeded", 0, null, "Advance weight 10", "Advance weight 20", "Promotion completed")));

        int exit = watch(true);

        assertThat(exit).isZero();
        String text = output();
        // frame 1 has 5 lines (status, weight, checks, events header, 1 event), frame 2 has 6: each redraw moves up over the last
        assertThat(text).contains("\033[5F\033[J", "\033[6F\033[J");
        assertThat(text.substring(text.lastIndexOf("\033[J") + 3)).startsWith("test/podinfo  Succeeded  weight 0%");
    }

    @Test
    void aRolloutThatEndsFailedExitsOne() {
        api.on("GET " + PATH,
                Reply.json(canary("Progressing", 10, "r1", "Advance weight 10")),
                Reply.json(canary("Failed", 0, null, "Advance weight 10", "Canary failed! Scaling down podinfo.test")));

        assertThat(watch(false)).isEqualTo(1);
        assertThat(output()).endsWith("test/podinfo  Failed  weight 0%  failed 0  idle\n");
    }

    @Test
    void withNothingRunningItWaitsForARolloutAndFollowsOneThatSupersedesIt() {
        api.on("GET " + PATH,
                Reply.json(canary("Succeeded", 0, null)),
                Reply.json(canary("Progressing", 10, "r1")),
                Reply.json(canary("Progressing", 10, "r2")),
                Reply.json(canary("Succeeded", 0, null)));

        assertThat(watch(false)).isZero();
        assertThat(output()).contains("no rollout running on test/podinfo; waiting for one (Ctrl-C stops)");
        assertThat(api.count("GET " + PATH)).isEqualTo(4);
    }

    @Test
    void aFailedPollIsNotedAndTriedAgainUntilFiveInARow() {
        api.on("GET " + PATH,
                Reply.json(canary("Progressing", 10, "r1")),
                Reply.problem(503, "Service unavailable", "DynamoDB failed; try again"),
                Reply.json(canary("Succeeded", 0, null)));

        assertThat(watch(false)).isZero();
        assertThat(output()).contains("poll failed (1 of 5 in a row): Service unavailable (503): DynamoDB failed; try again; "
                + "trying again\n");

        api.on("GET " + PATH, Reply.json(canary("Progressing", 10, "r1")), Reply.problem(503, "Service unavailable", "down"));
        assertThatThrownBy(() -> watch(false)).isInstanceOf(ApiFailure.Refused.class);
        assertThat(output()).contains("poll failed (5 of 5 in a row)").doesNotContain("(6 of 5");
    }

    @Test
    void withJsonItPrintsEachChangedAnswerAsOneLine() {
        api.on("GET " + PATH,
                Reply.json(canary("Progressing", 10, "r1")),
                Reply.json(canary("Progressing", 10, "r1")),
                Reply.json(canary("Succeeded", 0, null)));

        assertThat(watch(false, "--output", "json")).isZero();
        assertThat(output().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{\"namespace\":\"test\""));
    }
}

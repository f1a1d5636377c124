package dev.flagstep.local.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.local.cli.Args;
import dev.flagstep.local.cli.remote.ScriptedApi.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * promote, abort, pause, resume, retry, history and paged events against a loopback fake that answers as the
 * manual-operations routes are specified (docs/api.md): what each command sends, prints, and how a 409
 * {@code operation-not-allowed} comes out. The same commands run against {@code flagstep serve} in CliOnServeTest.
 */
class OperationsContractTest {

    static final String PATH = "/canaries/test/podinfo";

    ScriptedApi api;
    final TestEnvironment test = new TestEnvironment();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        api = new ScriptedApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    int run(ApiVerb verb, String... argv) {
        Set<String> valued = new java.util.HashSet<>(verb.valued());
        valued.add("output");
        Args args = Args.parse(List.of(argv), valued, verb.flags());
        var env = test.env();
        Invocation in = new Invocation(args, new ApiClient(api.url(), new RequestSigner.Unsigned(), env.http()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return verb.run(in);
    }

    static ApiVerb verb(String name) {
        return ApiVerb.all().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachOperationPostsItsReasonAndSaysWhatHappened() {
        for (String op : List.of("promote", "abort", "pause", "resume")) {
            api.on("POST " + PATH + "/" + op, Reply.json("{\"namespace\":\"test\",\"name\":\"podinfo\",\"operation\":\"" + op
                    + "\",\"runId\":\"r1\",\"status\":\"requested\",\"resumedRollout\":" + op.equals("promote") + "}"));
        }

        assertThat(run(verb("promote"), "test/podinfo", "--reason", "metrics fine")).isZero();
        assertThat(run(verb("abort"), "test/podinfo")).isZero();
        assertThat(run(verb("pause"), "test/podinfo")).isZero();
        assertThat(run(verb("resume"), "test/podinfo")).isZero();

        assertThat(out()).isEqualTo("""
                promote of test/podinfo requested (run r1); the waiting rollout resumed at once
                abort of test/podinfo requested (run r1)
                pause of test/podinfo requested (run r1)
                resume of test/podinfo requested (run r1)
                """);
        assertThat(api.requests).extracting(ScriptedApi.Request::text)
                .containsExactly("{\"reason\":\"metrics fine\"}", "{}", "{}", "{}");
        assertThat(api.requests.getFirst().headers().getFirst("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void anOperationAlreadyRequestedSaysSo() {
        api.on("POST " + PATH + "/promote", Reply.json("{\"operation\":\"promote\",\"runId\":\"r1\",\"status\":\"alreadyRequested\","
                + "\"resumedRollout\":false}"));

        assertThat(run(verb("promote"), "test/podinfo")).isZero();
        assertThat(out()).isEqualTo("promote of test/podinfo was already requested (run r1)\n");
    }

    @Test
    void anOperationThePhaseDoesNotAllowIsTheProblemWithExitOne() {
        api.on("POST " + PATH + "/resume", Reply.problem(409, "Operation not allowed", "nothing to resume: the rollout is not paused"));

        assertThatThrownBy(() -> run(verb("resume"), "test/podinfo"))
                .isInstanceOfSatisfying(ApiFailure.Refused.class, f -> {
                    assertThat(f.exitCode()).isEqualTo(1);
                    assertThat(f.lines()).containsExactly("Operation not allowed (409): nothing to resume: the rollout is not paused");
                });
    }

    @Test
    void apiGatewayRefusingTheCallerIsItsMessageWithExitThree() {
        api.on("POST " + PATH + "/abort", Reply.json(403, "{\"message\":\"User: arn:aws:iam::1:user/ann is not authorized to "
                + "perform: execute-api:Invoke\"}"));

        assertThatThrownBy(() -> run(verb("abort"), "test/podinfo"))
                .isInstanceOfSatisfying(ApiFailure.Refused.class, f -> {
                    assertThat(f.exitCode()).isEqualTo(3);
                    assertThat(f.lines()).containsExactly(
                            "Forbidden (403): User: arn:aws:iam::1:user/ann is not authorized to perform: execute-api:Invoke");
                });
    }

    @Test
    void retryStartsANewRunOfTheFailedRevision() {
        api.on("POST " + PATH + "/retry", Reply.json(201, "{\"status\":\"started\",\"runId\":\"r2\",\"executionId\":\"arn:x\","
                + "\"revision\":\"6.7.1\",\"retryOf\":\"r1\"}"));

        assertThat(run(verb("retry"), "test/podinfo", "--reason", "flaky dependency")).isZero();
        assertThat(out()).isEqualTo("retry of test/podinfo started: run r2, revision 6.7.1 (retry of r1)\n");
        assertThat(api.requests.getFirst().text()).isEqualTo("{\"reason\":\"flaky dependency\"}");
    }

    @Test
    void historyListsRunsWithResultDurationApprovalsAndOperations() {
        api.on("GET " + PATH + "/runs", Reply.json("""
                {"runs":[
                  {"runId":"r2","revision":"6.7.1","startedAt":"2026-11-24T06:00:00Z","endedAt":"2026-11-24T06:04:10Z",
                   "result":"Succeeded","durationSeconds":250,"retryOf":"r1",
                   "approvals":[{"gate":"confirm-promotion","who":"arn:aws:iam::1:user/ann","why":"green","when":"2026-11-24T06:04:00Z"}],
                   "operations":[{"operation":"retry","who":"arn:aws:iam::1:user/bob","reason":"","when":"2026-11-24T06:00:00Z"}]},
                  {"runId":"r1","revision":"6.7.1","startedAt":"2026-11-24T05:00:00Z","endedAt":null,"result":null,
                   "durationSeconds":null,"approvals":[],"operations":[]}],
                 "next":"abc"}
                """));

        assertThat(run(verb("history"), "test/podinfo", "--limit", "2")).isZero();

        assertThat(api.requests.getFirst().pathAndQuery()).isEqualTo(PATH + "/runs?limit=2");
        assertThat(out()).isEqualTo("""
                RUN                                      REVISION         RESULT     STARTED               DURATION
                r2                                       6.7.1            Succeeded  2026-11-24T06:00:00Z  4m 10s
                    retry of r1
                    approved confirm-promotion by arn:aws:iam::1:user/ann at 2026-11-24T06:04:00Z: "green"
                    retry by arn:aws:iam::1:user/bob at 2026-11-24T06:00:00Z
                r1                                       6.7.1            running    2026-11-24T05:00:00Z  -
                (more: --cursor abc)
                """);
    }

    @Test
    void eventsPageThroughTheEventsRouteAndFilterByRun() {
        api.on("GET " + PATH + "/events", Reply.json("""
                {"events":[{"timestamp":"2026-11-24T06:01:00.5Z","type":"Normal","message":"Advance podinfo.test canary weight 10",
                            "phase":"Progressing","canaryWeight":10,"failedChecks":0,"runId":"r1"}],"next":"n2"}
                """));

        assertThat(run(verb("events"), "test/podinfo", "--run", "r1", "--cursor", "n1 a+b/c=", "--limit", "1")).isZero();

        // percent-encoded as SigV4 canonicalises a query: a space is %20, never '+'
        assertThat(api.requests.getFirst().pathAndQuery()).isEqualTo(PATH + "/events?limit=1&cursor=n1%20a%2Bb%2Fc%3D&runId=r1");
        assertThat(out()).isEqualTo("2026-11-24T06:01:00Z Normal  Progressing           10%  Advance podinfo.test canary weight 10\n"
                + "(more: --cursor n2)\n");
    }

    @Test
    void jsonPrintsTheAnswerAsIs() {
        String answer = "{\"namespace\":\"test\",\"name\":\"podinfo\",\"operation\":\"abort\",\"runId\":\"r1\",\"status\":\"requested\","
                + "\"resumedRollout\":true}";
        api.on("POST " + PATH + "/abort", Reply.json(answer));

        assertThat(run(verb("abort"), "test/podinfo", "--output", "json")).isZero();
        assertThat(out()).isEqualTo(answer + "\n");
    }
}

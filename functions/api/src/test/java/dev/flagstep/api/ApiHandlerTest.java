package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.testing.FakeStepFunctions;
import dev.flagstep.gate.SfnTaskTokens;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.SpecOrigin;
import dev.flagstep.gate.GateType;
import dev.flagstep.testing.DynamoTableExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API through {@link ApiHandler#handle}, on DynamoDB Local and a loopback Step Functions. */
class ApiHandlerTest {

    static final String PODINFO_YAML = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata:
              name: podinfo
              namespace: test
            spec:
              targetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: podinfo
              service:
                port: 9898
              analysis:
                interval: 30s
                threshold: 5
                maxWeight: 50
                stepWeight: 10
            """;

    static final CanaryId PODINFO = new CanaryId("test", "podinfo");
    static final Map<String, String> YAML = Map.of("Content-Type", "application/yaml");
    static final Map<String, String> JSON_TYPE = Map.of("Content-Type", "application/json");

    @RegisterExtension
    final DynamoTableExtension dynamo = new DynamoTableExtension();

    final ObjectMapper json = new ObjectMapper();
    FakeStepFunctions sfn;
    CanaryStore store;
    ApiHandler api;

    @BeforeEach
    void setUp() throws Exception {
        sfn = new FakeStepFunctions();
        var client = sfn.client();
        store = dynamo.store(Clock.systemUTC());
        api = new ApiHandler(store, new ExecutionRolloutStarter(
                new SfnRolloutExecutions(() -> client, FakeStepFunctions.STATE_MACHINE_ARN, json)),
                new SfnTaskTokens(() -> client));
    }

    @AfterEach
    void tearDown() {
        sfn.close();
    }

    HttpResponse call(String method, String path, Map<String, String> headers, String body) {
        return api.handle(HttpRequest.of(method, path, headers, body));
    }

    HttpResponse call(String method, String path) {
        return call(method, path, Map.of(), "");
    }

    JsonNode body(HttpResponse r) throws Exception {
        return json.readTree(r.body());
    }

    static void assertProblem(HttpResponse r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.headers()).containsEntry("Content-Type", "application/problem+json");
        assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    // ------------------------------------------------------------------ documents

    @Test
    void putCreatesThenReplacesAndGetShowsDocumentStatusGatesAndEvents() throws Exception {
        HttpResponse created = call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(body(created).get("version").asLong()).isEqualTo(1);
        assertThat(body(created).get("intervalSeconds").asInt()).isEqualTo(30);
        assertThat(created.headers()).containsEntry("Location", "/canaries/test/podinfo");
        assertThat(body(created).get("warnings")).as("nothing ignored").isEmpty();

        HttpResponse replaced = call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML.replace("30s", "1m"));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(body(replaced).get("version").asLong()).isEqualTo(2);

        HttpResponse got = call("GET", "/canaries/test/podinfo");
        assertThat(got.status()).isEqualTo(200);
        JsonNode g = body(got);
        assertThat(g.get("document").asText()).isEqualTo(PODINFO_YAML.replace("30s", "1m"));
        assertThat(g.get("version").asLong()).isEqualTo(2);
        assertThat(g.get("activeRun").isNull()).isTrue();
        assertThat(g.at("/gates/confirm-promotion/open").asBoolean(true)).isFalse();
        assertThat(g.get("events").isArray()).isTrue();
    }

    /** A field Flagger accepts and ignores for the provider: stored as Flagger would, and named in the answer. */
    @Test
    void aFieldTheProviderIgnoresIsStoredAndNamedAsAWarning() throws Exception {
        String withUpstream = PODINFO_YAML.replace("spec:\n", "spec:\n  upstreamRef: {apiVersion: gloo.solo.io/v1, kind: Upstream, name: u}\n");
        HttpResponse created = call("PUT", "/canaries/test/podinfo", YAML, withUpstream);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(body(created).get("warnings")).singleElement().satisfies(w -> {
            assertThat(w.get("path").asText()).isEqualTo("upstreamRef");
            assertThat(w.get("message").asText()).startsWith("ignored, as by Flagger: only used by the gloo provider, not ");
        });
        assertThat(store.spec(PODINFO).orElseThrow().source()).isEqualTo(withUpstream);
    }

    /** A canary from a Canary object: readable, its gates usable, never changed through the API. */
    @Test
    void aClusterCanaryIsReadOnlyButItsGatesStayOpen() throws Exception {
        store.putSpec(PODINFO, PODINFO_YAML, SpecOrigin.CLUSTER);

        for (HttpResponse r : java.util.List.of(
                call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML.replace("30s", "1m")),
                call("DELETE", "/canaries/test/podinfo"),
                call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "{\"revision\":\"sha-1\"}"))) {
            assertProblem(r, 409);
            assertThat(body(r).get("title").asText()).isEqualTo("Canary managed by the cluster");
            assertThat(body(r).get("type").asText()).endsWith("/managed-by-cluster");
            assertThat(body(r).get("detail").asText()).startsWith("canary test/podinfo is managed by its Canary object in the cluster")
                    .endsWith("change it with kubectl or your GitOps repository");
        }
        assertThat(store.spec(PODINFO).orElseThrow().version()).as("unchanged").isEqualTo(1);
        assertThat(sfn.executions()).as("nothing started").isEmpty();

        assertThat(call("GET", "/canaries/test/podinfo").status()).isEqualTo(200);
        assertThat(call("GET", "/canaries/test/podinfo/gates").status()).isEqualTo(200);
        assertThat(call("POST", "/canaries/test/podinfo/gates/confirm-promotion/open", JSON_TYPE, "{}").status()).isEqualTo(200);
        assertThat(call("GET", "/canaries").status()).isEqualTo(200);
    }

    @Test
    void aJsonSpecAloneIsAcceptedWithTheNameFromThePath() throws Exception {
        String spec = "{\"targetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},"
                + "\"service\":{\"port\":80},\"analysis\":{\"interval\":\"15s\",\"stepWeight\":20}}";
        HttpResponse r = call("PUT", "/canaries/prod/web", JSON_TYPE, spec);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(body(r).get("namespace").asText()).isEqualTo("prod");
        assertThat(body(r).get("name").asText()).isEqualTo("web");
    }

    @Test
    void anInvalidDocumentIsA400WithEveryErrorAndItsPath() throws Exception {
        String bad = PODINFO_YAML.replace("stepWeight: 10", "stepWeight: -10")
                .replace("threshold: 5", "threshold: many")
                + "    webhooks:\n      - name: hook\n        type: sometimes\n        url: not-a-url\n";
        HttpResponse r = call("PUT", "/canaries/test/podinfo", YAML, bad);

        assertProblem(r, 400);
        JsonNode p = body(r);
        assertThat(p.get("type").asText()).endsWith("/invalid-canary");
        assertThat(p.get("errors").size()).isGreaterThanOrEqualTo(3);
        assertThat(p.get("errors").findValuesAsText("path"))
                .anySatisfy(path -> assertThat(path).contains("threshold"))
                .anySatisfy(path -> assertThat(path).contains("webhooks[0]"));
        assertThat(call("GET", "/canaries/test/podinfo").status()).as("nothing stored").isEqualTo(404);
    }

    @Test
    void aManifestNamingAnotherCanaryThanThePathIsRefused() {
        assertProblem(call("PUT", "/canaries/test/other", YAML, PODINFO_YAML), 400);
    }

    @Test
    void wrongMediaTypeIs415AndTooLargeIs413() {
        assertProblem(call("PUT", "/canaries/test/podinfo", Map.of("Content-Type", "text/html"), PODINFO_YAML), 415);
        String huge = PODINFO_YAML + "#" + "x".repeat(ApiHandler.MAX_BODY_BYTES);
        HttpResponse r = call("PUT", "/canaries/test/podinfo", YAML, huge);
        assertProblem(r, 413);
        assertThat(r.body()).contains(String.valueOf(ApiHandler.MAX_BODY_BYTES));
    }

    @Test
    void unknownCanariesRoutesMethodsAndBadNamesAnswerProblems() throws Exception {
        assertProblem(call("GET", "/canaries/test/nobody"), 404);
        HttpResponse route = call("GET", "/no/such/route");
        assertProblem(route, 404);
        assertThat(body(route).get("detail").asText()).contains("/no/such/route");
        assertThat(body(route).get("instance").asText()).isEqualTo("/no/such/route");
        assertProblem(call("PATCH", "/canaries/test/podinfo"), 405);
        assertProblem(call("GET", "/canaries/test/podinfo/rollouts"), 405);
        assertProblem(call("GET", "/canaries/Test_NS/podinfo"), 400);
        assertProblem(call("PUT", "/canaries/test/podinfo", YAML, "   "), 400);
        assertProblem(call("PUT", "/canaries/test/podinfo", YAML, "{{{{ not: yaml"), 400);
    }

    @Test
    void badNamesInThePathAre400NamingThePartAndTheRule() throws Exception {
        HttpResponse ns = call("GET", "/canaries/my.test/podinfo");
        assertProblem(ns, 400);
        assertThat(body(ns).get("detail").asText())
                .isEqualTo("namespace \"my.test\" is not a Kubernetes namespace (RFC 1123 label)");
        String tooLong = "p".repeat(254);
        HttpResponse name = call("POST", "/canaries/test/" + tooLong + "/rollouts");
        assertProblem(name, 400);
        assertThat(body(name).get("detail").asText())
                .isEqualTo("name \"" + tooLong + "\" is not a Kubernetes object name (RFC 1123 subdomain)");
        assertProblem(call("GET", "/canaries/" + "t".repeat(64) + "/podinfo"), 400);
        assertProblem(call("GET", "/canaries/" + "t".repeat(63) + "/" + "p".repeat(253)), 404);
    }

    @Test
    void listShowsEveryCanaryWithItsStatusAndPages() throws Exception {
        call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML);
        call("PUT", "/canaries/test/backend", YAML, PODINFO_YAML.replace("name: podinfo\n  namespace", "name: backend\n  namespace"));

        JsonNode all = body(call("GET", "/canaries"));
        assertThat(all.get("canaries").findValuesAsText("name")).containsExactly("backend", "podinfo");

        HttpResponse first = api.handle(new HttpRequest("GET", "/canaries", Map.of(), Map.of("limit", "1"), new byte[0],
                java.util.Optional.empty()));
        JsonNode page = body(first);
        assertThat(page.get("canaries").size()).isEqualTo(1);
        assertThat(page.get("next").asText()).isNotEmpty();
        assertProblem(api.handle(new HttpRequest("GET", "/canaries", Map.of(), Map.of("limit", "0"), new byte[0],
                java.util.Optional.empty())), 400);
    }

    @Test
    void deleteRemovesTheCanaryButNotWhileARolloutRuns() throws Exception {
        call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML);
        store.claimRun(PODINFO, "run-1", "rev1", Instant.now());

        HttpResponse busy = call("DELETE", "/canaries/test/podinfo");
        assertProblem(busy, 409);
        assertThat(body(busy).get("detail").asText()).contains("rev1");

        store.finishRun(PODINFO, "run-1", dev.flagstep.store.RunResult.SUCCEEDED, Instant.now());
        assertThat(call("DELETE", "/canaries/test/podinfo").status()).isEqualTo(204);
        assertProblem(call("GET", "/canaries/test/podinfo"), 404);
        assertProblem(call("DELETE", "/canaries/test/podinfo"), 404);
    }

    // ------------------------------------------------------------------ rollouts

    @Test
    void startingARolloutIsIdempotentPerRevisionAndANewRevisionSupersedes() throws Exception {
        call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML);

        HttpResponse started = call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "{\"revision\":\"rev1\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        assertThat(body(started).get("status").asText()).isEqualTo("started");
        assertThat(json.readTree(sfn.executions().getFirst().input()).get("intervalSeconds").asInt()).isEqualTo(30);

        HttpResponse again = call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "{\"revision\":\"rev1\"}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(body(again).get("status").asText()).isEqualTo("alreadyStarted");
        assertThat(sfn.executions()).hasSize(1);

        HttpResponse refused = call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE,
                "{\"revision\":\"rev2\",\"supersede\":false}");
        assertProblem(refused, 409);
        assertThat(body(refused).get("detail").asText()).contains("rev1");

        HttpResponse superseding = call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "{\"revision\":\"rev2\"}");
        assertThat(superseding.status()).isEqualTo(201);
        assertThat(body(superseding).get("superseded").get(0).asText()).isEqualTo("rev1");
        assertThat(sfn.executions()).extracting(FakeStepFunctions.Execution::status).containsExactly("ABORTED", "RUNNING");
    }

    @Test
    void rolloutRequestsAreValidated() {
        assertProblem(call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "{\"revision\":\"rev1\"}"), 404);
        call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML);
        assertProblem(call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "{}"), 400);
        assertProblem(call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "{\"revision\":42}"), 400);
        assertProblem(call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "{\"revision\":\"r\",\"supersede\":\"yes\"}"), 400);
        assertProblem(call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "[\"rev1\"]"), 400);
        assertProblem(call("POST", "/canaries/test/podinfo/rollouts", JSON_TYPE, "{\"revision\":"), 400);
        assertProblem(call("POST", "/canaries/test/podinfo/rollouts", YAML, "revision: r1"), 415);
        assertThat(sfn.executions()).isEmpty();
    }

    // ------------------------------------------------------------------ built-in gates

    @Test
    void openingAGateCompletesTheParkedTaskTokenAtOnce() throws Exception {
        call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML);
        store.park(PODINFO, GateType.CONFIRM_PROMOTION, "token-42", Instant.now());
        sfn.parkToken("token-42");

        HttpResponse open = api.handle(new HttpRequest("POST", "/canaries/test/podinfo/gates/confirm-promotion/open",
                JSON_TYPE, Map.of(), "{\"reason\":\"looks good\"}".getBytes(),
                java.util.Optional.of("arn:aws:iam::123456789012:user/alice")));

        assertThat(open.status()).as(open.body()).isEqualTo(200);
        assertThat(body(open).get("resumedRollout").asBoolean()).isTrue();
        assertThat(sfn.completed("token-42")).hasValueSatisfying(out -> assertThat(out).contains("confirm-promotion"));
        var gate = store.gate(PODINFO, GateType.CONFIRM_PROMOTION);
        assertThat(gate.open()).isTrue();
        assertThat(gate.who()).contains("arn:aws:iam::123456789012:user/alice");
        assertThat(gate.why()).contains("looks good");
        assertThat(gate.waitingTaskToken()).isEmpty();

        JsonNode gates = body(call("GET", "/canaries/test/podinfo/gates"));
        assertThat(gates.at("/gates/confirm-promotion/open").asBoolean()).isTrue();

        HttpResponse close = call("POST", "/canaries/test/podinfo/gates/confirm-promotion/close");
        assertThat(body(close).get("open").asBoolean(true)).isFalse();
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
    }

    @Test
    void openingAGateNobodyWaitsOnJustOpensIt() throws Exception {
        call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML);
        HttpResponse open = call("POST", "/canaries/test/podinfo/gates/rollback/open");
        assertThat(open.status()).isEqualTo(200);
        assertThat(body(open).get("resumedRollout").asBoolean(true)).isFalse();
        assertThat(sfn.calls()).doesNotContain("SendTaskSuccess");
        assertThat(store.gate(PODINFO, GateType.ROLLBACK).open()).isTrue();
    }

    @Test
    void unknownGatesActionsAndCanariesAre404() {
        call("PUT", "/canaries/test/podinfo", YAML, PODINFO_YAML);
        assertProblem(call("POST", "/canaries/test/podinfo/gates/loadtester/open"), 404);
        assertProblem(call("POST", "/canaries/test/podinfo/gates/nope/open"), 404);
        assertProblem(call("POST", "/canaries/test/podinfo/gates/rollback/toggle"), 404);
        assertProblem(call("POST", "/canaries/test/nobody/gates/rollback/open"), 404);
        assertProblem(call("GET", "/canaries/test/podinfo/gates/rollback/open"), 405);
    }

    // ------------------------------------------------------------------ failures

    @Test
    void aStoreOutageIs503AndABugIs500WithoutAStackTrace() {
        CanaryStore down = (CanaryStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CanaryStore.class}, (p, m, a) -> {
                    throw new dev.flagstep.store.StoreException(m.getName(), PODINFO, "DynamoDB unreachable");
                });
        CanaryStore buggy = (CanaryStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CanaryStore.class}, (p, m, a) -> {
                    throw new IllegalStateException("boom");
                });
        RolloutStarter never = r -> {
            throw new AssertionError();
        };
        HttpResponse outage = new ApiHandler(down, never, (t, o) -> false).handle(HttpRequest.of("GET", "/canaries/test/podinfo", Map.of(), ""));
        assertProblem(outage, 503);
        assertThat(outage.body()).doesNotContain("DynamoDB unreachable");
        HttpResponse bug = new ApiHandler(buggy, never, (t, o) -> false).handle(HttpRequest.of("GET", "/canaries", Map.of(), ""));
        assertProblem(bug, 500);
        assertThat(bug.body()).doesNotContain("boom");
    }

    @Test
    void healthNeedsNothing() {
        CanaryStore none = (CanaryStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CanaryStore.class}, (p, m, a) -> {
                    throw new AssertionError("the store was used");
                });
        HttpResponse r = new ApiHandler(none, req -> {
            throw new AssertionError();
        }, (t, o) -> false).handle(HttpRequest.of("GET", "/healthz", Map.of(), ""));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("OK");
    }
}

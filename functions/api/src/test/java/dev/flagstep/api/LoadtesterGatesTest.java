package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.api.testing.FakeStepFunctions;
import dev.flagstep.gate.SfnTaskTokens;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.gate.GateType;
import dev.flagstep.testing.DynamoTableExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * flagger-loadtester's gate paths, answer for answer (FLAGGER-CONTRACT.md section 4): status code,
 * body bytes and content type, for every method, on durable gates in DynamoDB Local.
 */
class LoadtesterGatesTest {

    static final String PAYLOAD =
            "{\"name\":\"podinfo\",\"namespace\":\"test\",\"phase\":\"Progressing\",\"checksum\":\"85d557f47b\","
                    + "\"metadata\":{\"cmd\":\"hey -z 1m http://podinfo-canary.test:9898/\",\"type\":\"cmd\"}}";
    static final CanaryId PODINFO = new CanaryId("test", "podinfo");
    static final String TEXT = "text/plain; charset=utf-8";

    @RegisterExtension
    final DynamoTableExtension dynamo = new DynamoTableExtension();

    FakeStepFunctions sfn;
    CanaryStore store;
    ApiHandler api;

    @BeforeEach
    void setUp() throws Exception {
        sfn = new FakeStepFunctions();
        var client = sfn.client();
        store = dynamo.store(Clock.systemUTC());
        api = new ApiHandler(store, r -> {
            throw new AssertionError("the loadtester paths start nothing");
        }, new SfnTaskTokens(() -> client));
    }

    @AfterEach
    void tearDown() {
        sfn.close();
    }

    HttpResponse post(String path, String body) {
        return api.handle(HttpRequest.of("POST", path, Map.of("Content-Type", "application/json"), body));
    }

    static void assertAnswer(HttpResponse r, int status, String body) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.body()).isEqualTo(body);
        if (body.isEmpty()) {
            assertThat(r.headers()).doesNotContainKey("Content-Type");
        } else {
            assertThat(r.headers()).containsEntry("Content-Type", TEXT);
        }
    }

    @Test
    void theConfirmGateIsClosedByDefaultThenOpensAndClosesAgain() {
        assertAnswer(post("/gate/check", PAYLOAD), 403, "Forbidden");
        assertAnswer(post("/gate/open", PAYLOAD), 202, "");
        assertAnswer(post("/gate/check", PAYLOAD), 200, "Approved");
        assertAnswer(post("/gate/check", PAYLOAD), 200, "Approved");
        assertAnswer(post("/gate/close", PAYLOAD), 202, "");
        assertAnswer(post("/gate/check", PAYLOAD), 403, "Forbidden");
    }

    @Test
    void theRollbackGateIsSeparateFromTheConfirmGate() {
        assertAnswer(post("/rollback/check", PAYLOAD), 403, "Forbidden");
        assertAnswer(post("/rollback/open", PAYLOAD), 202, "");
        assertAnswer(post("/rollback/check", PAYLOAD), 200, "Approved");
        assertAnswer(post("/gate/check", PAYLOAD), 403, "Forbidden");
        assertThat(store.gate(PODINFO, GateType.ROLLBACK).open()).isTrue();
        assertAnswer(post("/rollback/close", PAYLOAD), 202, "");
        assertAnswer(post("/rollback/check", PAYLOAD), 403, "Forbidden");
    }

    @Test
    void gatesAreKeyedByNameAndNamespace() {
        post("/gate/open", PAYLOAD);
        assertAnswer(post("/gate/check", PAYLOAD.replace("\"test\"", "\"prod\"")), 403, "Forbidden");
        assertAnswer(post("/gate/check", "{\"name\":\"podinfo\",\"namespace\":\"test\"}"), 200, "Approved");
    }

    @Test
    void aPayloadNoCanaryCanHaveIsNeverOpenAndCannotBeOpened() {
        for (String bad : new String[] {"{\"name\":\"Podinfo\",\"namespace\":\"test\"}",
                "{\"name\":\"podinfo\",\"namespace\":\"my.test\"}",
                "{\"name\":\"podinfo\",\"namespace\":\"" + "t".repeat(64) + "\"}",
                "{\"name\":\"" + "p".repeat(254) + "\",\"namespace\":\"test\"}"}) {
            assertAnswer(post("/gate/open", bad), 400, "");
            assertAnswer(post("/gate/close", bad), 400, "");
            assertAnswer(post("/rollback/open", bad), 400, "");
            assertAnswer(post("/gate/check", bad), 403, "Forbidden");
            assertAnswer(post("/rollback/check", bad), 403, "Forbidden");
        }
        // the longest names a canary can have are fine
        String longest = "{\"name\":\"" + "p".repeat(253) + "\",\"namespace\":\"" + "t".repeat(63) + "\"}";
        assertAnswer(post("/gate/open", longest), 202, "");
        assertAnswer(post("/gate/check", longest), 200, "Approved");
    }

    @Test
    void approveAndHaltAnswerTheSameWhateverTheBody() {
        assertAnswer(post("/gate/approve", ""), 200, "OK");
        assertAnswer(post("/gate/approve", "not json"), 200, "OK");
        assertAnswer(post("/gate/halt", PAYLOAD), 403, "Forbidden");
        assertAnswer(post("/gate/halt", ""), 403, "Forbidden");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "PATCH"})
    void theMethodDoesNotMatter(String method) {
        post("/gate/open", PAYLOAD);
        assertAnswer(api.handle(HttpRequest.of(method, "/gate/check", Map.of(), PAYLOAD)), 200, "Approved");
        assertAnswer(api.handle(HttpRequest.of(method, "/gate/approve", Map.of(), "")), 200, "OK");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "{\"name\":5}", "{\"name\":\"podinfo\",\"metadata\":{\"n\":1}}",
            "{\"name\":\"podinfo\",\"metadata\":[\"x\"]}", "{\"name\":\"podinfo\"} trailing"})
    void whatGoCannotUnmarshalIsA400WithAnEmptyBody(String body) {
        assertAnswer(post("/gate/check", body), 400, "");
        assertAnswer(post("/gate/open", body), 400, "");
        assertAnswer(post("/rollback/check", body), 400, "");
    }

    @Test
    void nullAndUnknownFieldsAreFineAsInGo() {
        assertAnswer(post("/gate/check", "null"), 403, "Forbidden");
        assertAnswer(post("/gate/check", "{\"name\":\"podinfo\",\"namespace\":\"test\",\"extra\":{\"x\":[1]}}"), 403,
                "Forbidden");
    }

    @Test
    void openingWakesARolloutParkedOnTheLoadtesterGate() {
        store.park(PODINFO, GateType.LOADTESTER, "token-lt", Instant.now());
        sfn.parkToken("token-lt");

        assertAnswer(post("/gate/open", PAYLOAD), 202, "");

        assertThat(sfn.completed("token-lt")).hasValueSatisfying(o -> assertThat(o).contains("podinfo.test"));
    }

    @Test
    void gatesCloseAgainWhenTheRolloutEnds() {
        post("/gate/open", PAYLOAD);
        post("/rollback/open", PAYLOAD);

        store.closeAll(PODINFO); // what the engine does when a rollout ends

        assertAnswer(post("/gate/check", PAYLOAD), 403, "Forbidden");
        assertAnswer(post("/rollback/check", PAYLOAD), 403, "Forbidden");
    }

    @Test
    void otherLoadtesterPathsAreNotServed() throws Exception {
        HttpResponse r = post("/gate/toggle", PAYLOAD);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.headers()).containsEntry("Content-Type", "application/problem+json");
        assertThat(post("/rollback/approve", PAYLOAD).status()).isEqualTo(404);
    }
}

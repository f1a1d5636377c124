package dev.flagstep.local.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.kubernetes.ResourceKind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API as {@code flagstep serve} serves it, through real HTTP: canary documents, the error
 * answers, flagger-loadtester's gate paths and the Lambda Invoke API for the phase handlers.
 */
class ServeApiTest {

    static ServeHarness h;
    static Http http;

    @BeforeAll
    static void start() {
        h = ServeHarness.start();
        http = h.http;
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static final String ANALYSIS = """
                interval: 30s
                threshold: 5
                stepWeight: 10
                maxWeight: 50
            """;

    // ------------------------------------------------------------------ documents

    @Test
    void canaryCrudInYamlAndJson() {
        String yaml = ServeHarness.canary("crud", ANALYSIS);

        Http.Reply created = http.put("/canaries/serve/crud", "application/yaml", yaml);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.header("Location")).contains("/canaries/serve/crud");
        assertThat(created.json().path("version").asLong()).isEqualTo(1);
        assertThat(created.json().path("intervalSeconds").asLong()).isEqualTo(30);
        // --simulate: the PUT seeded the canary's target on the simulated cluster
        assertThat(h.sim.object(ResourceKind.DEPLOYMENT, "serve", "crud")).isPresent();

        JsonNode one = http.get("/canaries/serve/crud").json();
        assertThat(one.path("document").asText()).isEqualTo(yaml);
        assertThat(one.path("status").isNull()).isTrue();

        String json = """
                {"apiVersion":"flagger.app/v1beta1","kind":"Canary","metadata":{"name":"crud","namespace":"serve"},
                 "spec":{"provider":"gatewayapi:v1","targetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"crud"},
                         "service":{"port":9898,"gatewayRefs":[{"name":"public","namespace":"gateway"}]},
                         "analysis":{"interval":"1m","threshold":5,"stepWeight":20,"maxWeight":60}}}
                """;
        Http.Reply replaced = http.put("/canaries/serve/crud", "application/json", json);
        assertThat(replaced.status()).as("%s", replaced).isEqualTo(200);
        assertThat(replaced.json().path("version").asLong()).isEqualTo(2);
        assertThat(replaced.json().path("intervalSeconds").asLong()).isEqualTo(60);
        assertThat(http.get("/canaries/serve/crud").json().path("document").asText()).isEqualTo(json);

        JsonNode list = http.get("/canaries?namespace=serve&limit=100").json();
        assertThat(names(list)).contains("crud");
        assertThat(http.get("/canaries").json().path("canaries").isArray()).isTrue();

        assertThat(http.delete("/canaries/serve/crud").status()).isEqualTo(204);
        Http.Reply gone = http.get("/canaries/serve/crud");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).isEqualTo("application/problem+json");
        assertThat(gone.json().path("detail").asText()).contains("no canary serve/crud");
        assertThat(http.delete("/canaries/serve/crud").status()).isEqualTo(404);
        assertThat(names(http.get("/canaries?namespace=serve&limit=100").json())).doesNotContain("crud");
    }

    @Test
    void anInvalidDocumentIsA400ListingEveryError() {
        String bad = ServeHarness.canary("invalid", """
                    interval: 30s
                    threshold: 0
                    stepWeight: 150
                    maxWeight: 500
                """);
        Http.Reply r = http.put("/canaries/serve/invalid", "application/yaml", bad);

        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.path("type").asText()).endsWith("/invalid-canary");
        assertThat(p.path("instance").asText()).isEqualTo("/canaries/serve/invalid");
        List<String> paths = new ArrayList<>();
        p.path("errors").forEach(e -> {
            assertThat(e.path("message").asText()).isNotBlank();
            paths.add(e.path("path").asText());
        });
        assertThat(paths).contains("analysis.stepWeight", "analysis.maxWeight");
        assertThat(p.path("detail").asText()).contains(paths.size() + " errors");
        assertThat(http.get("/canaries/serve/invalid").status()).as("nothing stored").isEqualTo(404);
    }

    @Test
    void aBodyOver256KbIs413AndAWrongContentTypeIs415() {
        String huge = ServeHarness.canary("big", ANALYSIS) + "#" + "x".repeat(300 * 1024) + "\n";
        Http.Reply tooLarge = http.put("/canaries/serve/big", "application/yaml", huge);
        assertThat(tooLarge.status()).as("%s", tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.contentType()).isEqualTo("application/problem+json");
        assertThat(tooLarge.json().path("detail").asText()).contains("at most 262144");

        Http.Reply xml = http.put("/canaries/serve/big", "application/xml", "<canary/>");
        assertThat(xml.status()).as("%s", xml).isEqualTo(415);
        assertThat(xml.contentType()).isEqualTo("application/problem+json");

        Http.Reply form = http.send("POST", "/canaries/serve/big/rollouts", Optional.of("text/csv"),
                Optional.of("revision,1"), Optional.empty());
        assertThat(form.status()).as("%s", form).isEqualTo(415);
    }

    @Test
    void unknownCanariesAndRoutesAre404AndAWrongMethodIs405() {
        Http.Reply canary = http.get("/canaries/serve/nobody");
        assertThat(canary.status()).isEqualTo(404);
        assertThat(canary.contentType()).isEqualTo("application/problem+json");

        Http.Reply rollout = http.postJson("/canaries/serve/nobody/rollouts", "{\"revision\":\"1\"}");
        assertThat(rollout.status()).as("%s", rollout).isEqualTo(404);

        for (String path : List.of("/nope", "/canaries/serve/nobody/nothing", "/gate/nope", "/a/b/c/d/e/f/g")) {
            Http.Reply r = http.get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.contentType()).as(path).isEqualTo("application/problem+json");
            assertThat(r.json().path("detail").asText()).as(path).contains("no route GET " + path);
        }
        Http.Reply wrongMethod = http.post("/canaries", "");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(http.get("/healthz").body()).isEqualTo("OK");
    }

    // ------------------------------------------------------------------ loadtester

    @Test
    void theLoadtesterPathsAnswerExactlyAsFlaggerLoadtester() {
        h.bootstrap("serve", "lt", ServeHarness.canary("lt", ANALYSIS));
        String payload = "{\"name\":\"lt\",\"namespace\":\"serve\",\"phase\":\"Progressing\",\"metadata\":{\"k\":\"v\"}}";

        assertText(http.post("/gate/check", payload), 403, "Forbidden");
        assertText(http.post("/rollback/check", payload), 403, "Forbidden");

        Http.Reply open = http.post("/gate/open", payload);
        assertThat(open.status()).isEqualTo(202);
        assertThat(open.body()).isEmpty();
        assertText(http.post("/gate/check", payload), 200, "Approved");
        // any method, as the loadtester's handlers never look at it
        assertText(http.send("GET", "/gate/check", Optional.empty(), Optional.of(payload), Optional.empty()), 200, "Approved");
        assertThat(http.get("/canaries/serve/lt").json().at("/gates/loadtester/who").asText()).isEqualTo("local");

        assertThat(http.post("/gate/close", payload).status()).isEqualTo(202);
        assertText(http.post("/gate/check", payload), 403, "Forbidden");

        assertThat(http.post("/rollback/open", payload).status()).isEqualTo(202);
        assertText(http.post("/rollback/check", payload), 200, "Approved");
        assertThat(http.post("/rollback/close", payload).status()).isEqualTo(202);
        assertText(http.post("/rollback/check", payload), 403, "Forbidden");

        assertText(http.post("/gate/approve", ""), 200, "OK");
        assertText(http.get("/gate/approve"), 200, "OK");
        assertText(http.post("/gate/halt", payload), 403, "Forbidden");

        Http.Reply malformed = http.post("/gate/check", "{\"name\":1}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body()).isEmpty();
        assertThat(http.post("/gate/open", "").status()).isEqualTo(400);
    }

    private static void assertText(Http.Reply r, int status, String body) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.contentType()).isEqualTo("text/plain; charset=utf-8");
    }

    // ------------------------------------------------------------------ Lambda Invoke API

    @Test
    void theLambdaInvokeApiRunsTheRuntimesOwnPhaseHandlers() {
        assertThat(http.put("/canaries/serve/lambda", "application/yaml", ServeHarness.canary("lambda", ANALYSIS)).status())
                .isEqualTo(201);
        String input = """
                {"canary":{"namespace":"serve","name":"lambda"},"runId":"serve-lambda-r1","revision":"r1",
                 "intervalSeconds":30,"tick":"Initialize@2026-11-24T06:00:00.000Z"}""";

        h.sim.holdUnready("lambda-primary", true); // its pods are still starting: the answer does not race the cluster
        Http.Reply first = http.post("/2015-03-31/functions/Initialize/invocations", input);
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.header("X-Amz-Function-Error")).isEmpty();
        JsonNode out = first.json();
        // first sight of the canary: the primary is created next to the target and is not ready yet
        assertThat(out.path("decision").asText()).isEqualTo("initializing");
        assertThat(out.path("runId").asText()).isEqualTo("serve-lambda-r1");
        assertThat(out.at("/canary/name").asText()).isEqualTo("lambda");
        assertThat(out.path("intervalSeconds").asInt()).isEqualTo(30);
        // the same store and cluster the runtime uses
        assertThat(http.get("/canaries/serve/lambda").json().at("/status/phase").asText()).isEqualTo("Initializing");
        assertThat(h.sim.object(ResourceKind.DEPLOYMENT, "serve", "lambda-primary")).isPresent();

        // other names of the same function; the same tick again is answered as before (idempotent handlers)
        String arn = "arn:aws:lambda:local:000000000000:function:flagstep-Initialize:live";
        for (String name : List.of("flagstep-Initialize", arn, URLEncoder.encode(arn, StandardCharsets.UTF_8))) {
            Http.Reply again = http.post("/2015-03-31/functions/" + name + "/invocations", input);
            assertThat(again.status()).as(name).isEqualTo(200);
            assertThat(again.json()).as(name).isEqualTo(out);
        }
        h.sim.holdUnready("lambda-primary", false);
    }

    @Test
    void theLambdaInvokeApiAnswersErrorsAsLambdaDoes() {
        Http.Reply bad = http.post("/2015-03-31/functions/Analysis/invocations", "{\"runId\":\"x\"}");
        assertThat(bad.status()).as("a function error is not an HTTP error").isEqualTo(200);
        assertThat(bad.header("X-Amz-Function-Error")).contains("Unhandled");
        assertThat(bad.json().path("errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(bad.json().path("errorMessage").asText()).contains("missing field \"canary\"");

        Http.Reply unknown = http.post("/2015-03-31/functions/Deploy/invocations", "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("x-amzn-ErrorType")).contains("ResourceNotFoundException");
        assertThat(unknown.json().path("message").asText())
                .isEqualTo("Function not found: arn:aws:lambda:local:000000000000:function:Deploy");

        Http.Reply notJson = http.post("/2015-03-31/functions/Initialize/invocations", "{not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.header("x-amzn-ErrorType")).contains("InvalidRequestContentException");

        Http.Reply dryRun = http.send("POST", "/2015-03-31/functions/Initialize/invocations", Optional.empty(),
                Optional.of("{}"), Optional.of(new String[] {"X-Amz-Invocation-Type", "DryRun"}));
        assertThat(dryRun.status()).isEqualTo(204);

        Http.Reply get = http.get("/2015-03-31/functions/Initialize/invocations");
        assertThat(get.status()).isEqualTo(405);
        Http.Reply other = http.get("/2015-03-31/functions/Initialize");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.header("x-amzn-ErrorType")).contains("UnknownOperationException");
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.path("canaries").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }
}

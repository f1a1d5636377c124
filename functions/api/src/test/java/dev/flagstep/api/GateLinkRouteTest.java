package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.events.CanaryEvent;
import dev.flagstep.gate.GateType;
import dev.flagstep.gate.TaskTokens;
import dev.flagstep.gatelink.GateLinkAction;
import dev.flagstep.gatelink.GateLinkKey;
import dev.flagstep.gatelink.GateLinkMinter;
import dev.flagstep.gatelink.GateLinkSettings;
import dev.flagstep.gatelink.GateLinkSigner;
import dev.flagstep.gatelink.GateLinkUses;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.DynamoDbGateLinkUses;
import dev.flagstep.testing.DynamoTableExtension;
import dev.flagstep.testing.MovableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /links/{token}} through {@link ApiHandler#handle}, on DynamoDB Local, with a clock the test moves. */
class GateLinkRouteTest {

    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final CanaryId PODINFO = ApiHandlerTest.PODINFO;
    private static final GateLinkKey KEY = GateLinkKey.of("k".repeat(48));
    private static final String RUN = "test-podinfo-run-1";
    private static final Map<String, String> BROWSER = Map.of("User-Agent", "Mozilla/5.0 (test)",
            "Content-Type", "application/x-www-form-urlencoded", "Host", "api.example");
    /** podinfo with a confirm-promotion and a rollback webhook that read this API's built-in gates. */
    private static final String HOOKED = ApiHandlerTest.PODINFO_YAML + """
                webhooks:
                  - name: approval
                    type: confirm-promotion
                    url: https://api.example/gate/check
                  - name: stop
                    type: rollback
                    url: https://api.example/rollback/check
            """;

    @RegisterExtension
    final DynamoTableExtension dynamo = new DynamoTableExtension();

    final MovableClock clock = new MovableClock(T0);
    final List<String> resumed = new CopyOnWriteArrayList<>();
    final TaskTokens tokens = (token, output) -> resumed.add(token + " " + output);
    CanaryStore store;
    GateLinkUses uses;
    ApiHandler api;
    GateLinkMinter minter;

    @BeforeEach
    void setUp() {
        store = dynamo.store(clock);
        uses = new DynamoDbGateLinkUses(dynamo.client(), dynamo.tableName(), clock);
        GateLinkSettings settings = GateLinkSettings.of(KEY, Duration.ofHours(24));
        api = new ApiHandler(store, request -> {
            throw new AssertionError("no rollouts here");
        }, tokens, settings, () -> uses, clock);
        minter = settings.minter(URI.create("https://api.example"), clock).orElseThrow();
        store.putSpec(PODINFO, HOOKED, dev.flagstep.store.SpecOrigin.API);
        store.claimRun(PODINFO, RUN, "6.1.0", T0);
        store.park(PODINFO, GateType.CONFIRM_PROMOTION, "token-1", T0);
    }

    private String path(GateLinkAction action) {
        return minter.link(PODINFO, GateType.CONFIRM_PROMOTION, action, RUN).getPath();
    }

    private HttpResponse get(String path) {
        return api.handle(HttpRequest.of("GET", path, Map.of("User-Agent", "Slackbot-LinkExpanding 1.0", "Host", "api.example"), ""));
    }

    private HttpResponse post(String path) {
        return api.handle(new HttpRequest("POST", path, BROWSER, Map.of(), "confirm=yes".getBytes(), Optional.empty(),
                Optional.of("203.0.113.9")));
    }

    @Test
    void aGetShowsWhatTheLinkDoesAndChangesNothing() {
        String path = path(GateLinkAction.APPROVE);

        HttpResponse page = get(path);
        get(path);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers()).containsEntry("Content-Type", HttpResponse.HTML).containsEntry("X-Frame-Options", "DENY")
                .containsEntry("Cache-Control", "no-store").containsEntry("Referrer-Policy", "no-referrer");
        assertThat(page.body()).contains("<form method=\"post\">", "podinfo.test", "confirm-promotion", RUN,
                T0.plus(Duration.ofHours(24)).toString());
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
        assertThat(resumed).isEmpty();
        assertThat(api.handle(HttpRequest.of("HEAD", path, Map.of("Host", "api.example"), "")).status()).isEqualTo(200);
    }

    @Test
    void anApproveLinkOpensTheGateWakesTheRolloutOnceAndIsAudited() {
        String path = path(GateLinkAction.APPROVE);

        HttpResponse first = post(path);

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).contains("Approved", "woken");
        var gate = store.gate(PODINFO, GateType.CONFIRM_PROMOTION);
        assertThat(gate.open()).isTrue();
        assertThat(gate.who()).contains("gate link from 203.0.113.9");
        assertThat(gate.why()).hasValueSatisfying(w -> assertThat(w).contains("Approve link", RUN, "Mozilla/5.0 (test)"));
        assertThat(resumed).singleElement().satisfies(r -> assertThat(r).startsWith("token-1 ").contains("confirm-promotion"));
        assertThat(store.events(PODINFO, 5, Optional.empty()).items()).map(CanaryEvent::message)
                .anySatisfy(m -> assertThat(m).contains("signed Approve link", RUN, "203.0.113.9", "Mozilla/5.0 (test)"));

        // the same link again, after someone closed the gate: spent, whatever the gate says
        store.closeGate(PODINFO, GateType.CONFIRM_PROMOTION, "alice", "not yet");
        HttpResponse second = post(path);
        assertThat(second.status()).isEqualTo(410);
        assertThat(second.body()).contains("already used");
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
        assertThat(get(path).status()).as("the page says so too").isEqualTo(410);
    }

    @Test
    void aRollbackLinkOpensTheRollbackGateAndWakesTheRollout() {
        store.park(PODINFO, GateType.ROLLBACK, "token-rb", T0);

        HttpResponse done = post(path(GateLinkAction.ROLLBACK));

        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("Rolling back");
        assertThat(store.gate(PODINFO, GateType.ROLLBACK).open()).isTrue();
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
        assertThat(resumed).singleElement().satisfies(r -> assertThat(r).startsWith("token-rb "));
    }

    /** The phases read the built-in gates only through webhooks at this API: a link no webhook reads is refused. */
    @Test
    void aLinkWhoseGateNoWebhookOfTheCanaryReadsIsRefused() {
        String approve = path(GateLinkAction.APPROVE);
        String rollback = path(GateLinkAction.ROLLBACK);
        String external = "http://flagger-loadtester.test";
        Map<String, String> refused = Map.of(
                ApiHandlerTest.PODINFO_YAML, approve,
                ApiHandlerTest.PODINFO_YAML + " ", rollback,
                HOOKED.replace("https://api.example/rollback/check", external + "/rollback/check"), rollback,
                HOOKED.replace("https://api.example/gate/check", external + "/gate/check"), approve,
                HOOKED.replace("type: confirm-promotion", "type: confirm-rollout"), approve,
                HOOKED.replace("https://api.example/gate/check", "https://api.example/gate/halt"), approve);
        refused.forEach((yaml, path) -> {
            store.putSpec(PODINFO, yaml.strip() + "\n", dev.flagstep.store.SpecOrigin.API);

            HttpResponse r = post(path);

            assertThat(r.status()).as(yaml).isEqualTo(409);
            assertThat(r.body()).contains("No webhook reads this gate");
            assertThat(get(path).status()).isEqualTo(409);
        });
        assertThat(store.gate(PODINFO, GateType.ROLLBACK).open()).isFalse();
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
        assertThat(resumed).isEmpty();

        store.putSpec(PODINFO, HOOKED, dev.flagstep.store.SpecOrigin.API);
        assertThat(post(approve).status()).as("the refused clicks spent nothing").isEqualTo(200);
        assertThat(post(rollback).status()).isEqualTo(200);
    }

    @Test
    void anApprovalAndARollbackOfTheSamePairAreSpentSeparately() {
        assertThat(post(path(GateLinkAction.APPROVE)).status()).isEqualTo(200);
        assertThat(post(path(GateLinkAction.ROLLBACK)).status()).isEqualTo(200);
    }

    @Test
    void anExpiredLinkIsRefusedWithAPage() {
        String path = path(GateLinkAction.APPROVE);
        clock.advance(Duration.ofHours(24));

        HttpResponse late = post(path);

        assertThat(late.status()).isEqualTo(410);
        assertThat(late.body()).contains("expired", "podinfo.test");
        assertThat(get(path).status()).isEqualTo(410);
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
        assertThat(resumed).isEmpty();
    }

    @Test
    void aLinkStillWorksJustBeforeItExpires() {
        String path = path(GateLinkAction.APPROVE);
        clock.advance(Duration.ofHours(24).minusSeconds(1));

        assertThat(post(path).status()).isEqualTo(200);
    }

    @Test
    void aTamperedOrForeignLinkIsRefusedWithAPage() {
        String path = path(GateLinkAction.APPROVE);
        String foreign = new GateLinkMinter(() -> new GateLinkSigner(GateLinkKey.of("x".repeat(48))), URI.create("https://a"),
                clock, Duration.ofHours(1)).link(PODINFO, GateType.CONFIRM_PROMOTION, GateLinkAction.APPROVE, RUN).getPath();
        String flipped = path.substring(0, path.length() - 3) + (path.endsWith("AAA") ? "BBB" : "AAA");

        for (String p : List.of(foreign, flipped)) {
            HttpResponse r = post(p);
            assertThat(r.status()).as(p).isEqualTo(403);
            assertThat(r.headers()).containsEntry("Content-Type", HttpResponse.HTML);
            assertThat(r.body()).contains("not valid");
        }
        HttpResponse junk = post("/links/not-a-token");
        assertThat(junk.status()).isEqualTo(404);
        assertThat(junk.body()).contains("Not a gate link");
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
    }

    @Test
    void aLinkOfAnotherRunIsRefusedAndNotSpent() {
        String old = minter.link(PODINFO, GateType.CONFIRM_PROMOTION, GateLinkAction.APPROVE, "test-podinfo-run-0").getPath();

        HttpResponse r = post(old);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.body()).contains("no longer running", RUN);
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
    }

    @Test
    void aLinkAfterTheRunEndedIsRefused() {
        String path = path(GateLinkAction.APPROVE);
        store.finishRun(PODINFO, RUN, dev.flagstep.store.RunResult.SUCCEEDED, T0);

        HttpResponse r = post(path);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.body()).contains("no longer running");
    }

    @Test
    void aLinkForAGateThatIsAlreadyOpenChangesNothingAndStaysUnspent() {
        String path = path(GateLinkAction.APPROVE);
        store.openGate(PODINFO, GateType.CONFIRM_PROMOTION, "alice", "by hand");

        HttpResponse r = post(path);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.body()).contains("already open");
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).who()).contains("alice");
        store.closeGate(PODINFO, GateType.CONFIRM_PROMOTION, "alice", "not yet after all");
        assertThat(post(path).status()).as("the refused click did not spend the link").isEqualTo(200);
    }

    @Test
    void aLinkOfADeletedCanaryIsRefused() {
        String path = minter.link(new CanaryId("test", "gone"), GateType.CONFIRM_ROLLOUT, GateLinkAction.APPROVE, RUN).getPath();

        assertThat(post(path).status()).isEqualTo(404);
        assertThat(post(path).body()).contains("no longer exists");
    }

    @Test
    void otherMethodsAreRefusedWithAPage() {
        HttpResponse r = api.handle(HttpRequest.of("PUT", path(GateLinkAction.APPROVE), Map.of(), ""));

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers()).containsEntry("Allow", "GET, HEAD, POST");
    }

    @Test
    void withLinksOffTheRouteSaysSo() {
        ApiHandler off = new ApiHandler(store, request -> {
            throw new AssertionError();
        }, tokens);

        HttpResponse r = off.handle(HttpRequest.of("POST", path(GateLinkAction.APPROVE), BROWSER, "confirm=yes"));

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).contains("turned off");
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
    }

    @Test
    void aStoreOutageIsAPageNotATrace() {
        ApiHandler broken = new ApiHandler(store, request -> {
            throw new AssertionError();
        }, tokens, GateLinkSettings.of(KEY, Duration.ofHours(24)), () -> {
            throw new dev.flagstep.store.StoreException("spend", PODINFO, "DynamoDB call failed", null);
        }, clock);

        HttpResponse r = broken.handle(new HttpRequest("POST", path(GateLinkAction.APPROVE), BROWSER, Map.of(), new byte[0],
                Optional.empty()));

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.headers()).containsEntry("Content-Type", HttpResponse.HTML);
        assertThat(r.body()).contains("Try again").doesNotContain("Exception", "at dev.");
        assertThat(store.gate(PODINFO, GateType.CONFIRM_PROMOTION).open()).isFalse();
    }

    @Test
    void theSourceAddressComesFromApiGatewaysRequestContext() throws Exception {
        var event = new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
                {"rawPath":"/links/x","headers":{"x-forwarded-for":"10.0.0.1","user-agent":"curl"},
                 "requestContext":{"http":{"method":"POST","sourceIp":"203.0.113.9"}}}""");

        HttpRequest req = new ApiGatewayV2(new com.fasterxml.jackson.databind.ObjectMapper()).request(event);

        assertThat(req.sourceIp()).contains("203.0.113.9");
    }
}

package dev.flagstep.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.local.cli.remote.ApiVerb;
import dev.flagstep.local.e2e.CanaryYaml;
import dev.flagstep.local.serve.ServedRuntime;
import dev.flagstep.local.serve.SimulatedTargets;
import dev.flagstep.local.sim.SimulatedCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code flagstep} API commands against a real {@code flagstep serve --simulate} (its server, runtime and simulated
 * cluster on loopback, waits 100 times shorter), through {@link Main#run} as a user types them: apply (with the
 * provider's warnings), list, get, rollout, gate open, events, history, {@code -o json}, the API's refusals as title,
 * detail and field paths with exit 1, an unreachable API with exit 3, and {@code --help} on every command.
 */
class CliOnServeTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static SimulatedCluster sim;
    static ServedRuntime serve;
    static String api;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sim = SimulatedCluster.start();
        serve = ServedRuntime.start(0, new LocalRuntime.Settings(Optional.empty(), 100, "kubernetes",
                URI.create("http://127.0.0.1:9"), Optional.empty()), sim.client(), Optional.of(sim), Set.of(), Optional.empty());
        api = serve.url().toString();
    }

    @AfterAll
    static void stop() {
        serve.close();
        sim.close();
    }

    record Result(int exit, String out, String err) {}

    static Result flagstep(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(List.of(argv), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A command on this test's serve. */
    static Result cli(String... argv) {
        List<String> all = new ArrayList<>(List.of(argv));
        all.addAll(List.of("--api", api));
        return flagstep(all.toArray(String[]::new));
    }

    Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** A canary whose promotion waits on its built-in confirm-promotion gate at this serve. */
    static String gated(String name) {
        return CanaryYaml.named(name).namespace("cli").spec("upstreamRef: {name: " + name + "-upstream}").analysis("""
                    interval: 10s
                    threshold: 2
                    stepWeight: 50
                    maxWeight: 50
                    webhooks:
                      - name: approval
                        type: confirm-promotion
                        url: %s/gate/check
                """.formatted(api));
    }

    @Test
    void applyRolloutGetGateOpenEventsAndHistoryDriveARolloutToPromotion() throws IOException {
        Path canary = file("canary.yaml", gated("podinfo"));

        Result created = cli("apply", "-f", canary.toString());
        assertThat(created.exit()).as("%s", created).isZero();
        assertThat(created.out()).isEqualTo("canary cli/podinfo created (version 1, interval 10s)\n");
        // a field Flagger accepts and this provider ignores: the PUT's warning, named with its path
        assertThat(created.err()).contains("warning: upstreamRef: ignored, as by Flagger: only used by the gloo provider");
        assertThat(cli("apply", "-f", canary.toString()).out()).isEqualTo("canary cli/podinfo configured (version 2, interval 10s)\n");

        Result list = cli("list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).startsWith("CANARY").containsPattern("cli/podinfo +- +- +- +-");

        // Flagger's first pass (creates the primary), then the new revision
        assertThat(cli("rollout", "cli/podinfo", "--revision", SimulatedTargets.FIRST_TAG).out())
                .startsWith("rollout of 6.7.0 on cli/podinfo started: run ");
        eventually(() -> phase("podinfo").equals("Initialized") && !active("podinfo"));
        Result rollout = cli("rollout", "cli/podinfo", "--revision", "6.7.1");
        assertThat(rollout.exit()).as("%s", rollout).isZero();
        assertThat(cli("rollout", "cli/podinfo", "--revision", "6.7.1").out())
                .startsWith("rollout of 6.7.1 on cli/podinfo already started (a revision is analysed once): run ");
        eventually(() -> gateWaiting("podinfo"));

        Result get = cli("get", "cli/podinfo");
        assertThat(get.exit()).as("%s", get).isZero();
        assertThat(get.out()).startsWith("cli/podinfo  WaitingPromotion  weight 0%  failed 0  revision 6.7.1 running ")
                .contains("  weight   [----------|---------]   0% (max 50%, step 50%)")
                .contains("  checks   0 failed / threshold 2\n")
                .containsPattern("confirm-promotion +closed  <- rollout waiting")
                .contains("Halt podinfo.cli advancement waiting for promotion approval approval");

        Result open = cli("gate", "open", "cli/podinfo", "confirm-promotion", "--reason", "dashboards green");
        assertThat(open.exit()).as("%s", open).isZero();
        // "; the waiting rollout resumed at once" when the API says so (resumedRollout: the token was completed here)
        assertThat(open.out()).startsWith("gate confirm-promotion of cli/podinfo open");
        eventually(() -> phase("podinfo").equals("Succeeded") && !active("podinfo"));

        Result events = cli("events", "cli/podinfo");
        assertThat(events.exit()).as("%s", events).isZero();
        assertThat(events.out()).containsPattern("Normal +Succeeded +0%  Promotion completed! Scaling down podinfo.cli")
                .contains("Advance podinfo.cli canary weight 50");

        Result history = cli("history", "cli/podinfo");
        Assumptions.assumeFalse(history.exit() == 1 && history.err().contains("Not found (404)"),
                "GET .../runs is not served yet (the manual-operations routes): history is checked once it is");
        assertThat(history.exit()).as("%s", history).isZero();
        assertThat(history.out()).contains("6.7.1", "Succeeded", "approved confirm-promotion by local");
    }

    /** Runs where serve has the manual-operations routes (skipped, saying so, where it does not yet). */
    @Test
    void promoteFinishesAWaitingRolloutAndAbortAfterItIsRefusedWithExitOne() throws IOException {
        cli("apply", "-f", file("ops.yaml", gated("ops")).toString());
        cli("rollout", "cli/ops", "--revision", SimulatedTargets.FIRST_TAG);
        eventually(() -> phase("ops").equals("Initialized") && !active("ops"));
        cli("rollout", "cli/ops", "--revision", "6.7.1");
        eventually(() -> gateWaiting("ops"));

        Result promote = cli("promote", "cli/ops", "--reason", "p99 fine");
        Assumptions.assumeFalse(promote.exit() == 1 && promote.err().contains("Not found (404)"),
                "POST .../promote is not served yet (the manual-operations routes)");
        assertThat(promote.exit()).as("%s", promote).isZero();
        assertThat(promote.out()).startsWith("promote of cli/ops requested (run ");
        eventually(() -> phase("ops").equals("Succeeded") && !active("ops"));

        Result abort = cli("abort", "cli/ops");
        assertThat(abort.exit()).as("%s", abort).isEqualTo(1);
        assertThat(abort.err()).startsWith("flagstep abort: Operation not allowed (409): ").hasLineCount(1);
        assertThat(cli("history", "cli/ops").out()).contains("promote by local at ", ": \"p99 fine\"");
    }

    @Test
    void jsonOutputIsTheApisAnswerAsIs() throws IOException {
        cli("apply", "-f", file("c.yaml", gated("json")).toString());

        Result get = cli("get", "cli/json", "-o", "json");
        Result list = cli("list", "-o", "json", "--namespace", "cli");

        assertThat(get.exit()).isZero();
        assertThat(JSON.readTree(get.out())).isEqualTo(JSON.readTree(http("/canaries/cli/json")));
        JsonNode canaries = JSON.readTree(list.out()).path("canaries");
        assertThat(canaries).extracting(c -> c.path("namespace").asText() + "/" + c.path("name").asText()).contains("cli/json");
        assertThat(JSON.readTree(cli("apply", "-f", dir.resolve("c.yaml").toString(), "-o", "json").out()).path("version").asInt())
                .isEqualTo(2);
    }

    @Test
    void anInvalidDocumentPrintsEachFieldWithItsPathAndExitsOne() throws IOException {
        Path bad = file("bad.yaml", CanaryYaml.named("broken").namespace("cli").analysis("""
                    interval: 30s
                    stepWeight: 10
                    thresold: 5
                    maxWeigth: 50
                """));

        Result r = cli("apply", "-f", bad.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("flagstep apply: Invalid canary document (400): the canary document has 2 errors (see errors)\n")
                .contains("\n  analysis.thresold: ", "\n  analysis.maxWeigth: ")
                .doesNotContain("Exception", "\tat ");
    }

    @Test
    void anUnknownCanaryIsTheProblemsTitleAndDetailWithExitOne() {
        Result r = cli("get", "cli/nope");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("flagstep get: Not found (404): no canary cli/nope (PUT /canaries/cli/nope creates it)\n");
        assertThat(cli("gate", "open", "cli/nope", "rollback").exit()).isEqualTo(1);
    }

    @Test
    void anApiNobodyAnswersIsOneLineWithExitThree() throws IOException {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Result r = flagstep("list", "--api", "http://127.0.0.1:" + port);

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).isEqualTo("flagstep list: cannot connect to http://127.0.0.1:" + port
                + " (is it running? flagstep serve, or --api/--stack)\n");
    }

    @Test
    void aWrongCommandLineIsExitTwoWithTheCommandsSynopsis() {
        Result r = cli("rollout", "cli/podinfo");
        Result o = cli("get", "cli/podinfo", "-o", "yaml");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("flagstep: rollout needs --revision R\n"
                + "usage: flagstep rollout NS/NAME --revision R   (flagstep rollout --help: every option)\n");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).startsWith("flagstep: -o takes json or text, got \"yaml\"");
    }

    @Test
    void everyCommandAnswersHelp() {
        List<String> commands = new ArrayList<>(Main.localCommands());
        ApiVerb.all().forEach(v -> commands.add(v.name()));
        for (String command : commands) {
            for (String help : List.of("--help", "-h")) {
                Result r = flagstep(command, help);
                assertThat(r.exit()).as("%s %s: %s", command, help, r).isZero();
                assertThat(r.out()).as("%s %s", command, help).startsWith("usage: flagstep " + command);
                assertThat(r.err()).isEmpty();
            }
        }
        assertThat(flagstep("run", "--help").out()).contains("--simulate", "--kubeconfig FILE").doesNotContain("serve ");
        assertThat(flagstep("get", "-h").out()).contains("-w, --watch", "--api URL", "--stack NAME", "-o json");
        assertThat(flagstep("--help").out()).contains("exit codes:", "  3  the API cannot be reached");
    }

    // ------------------------------------------------------------------ helpers

    static String http(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static JsonNode canary(String name) {
        try {
            return JSON.readTree(http("/canaries/cli/" + name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String phase(String name) {
        return canary(name).path("status").path("phase").asText();
    }

    static boolean active(String name) {
        return canary(name).path("activeRun").isObject();
    }

    static boolean gateWaiting(String name) {
        return canary(name).path("gates").path("confirm-promotion").path("rolloutWaiting").asBoolean();
    }

    static void eventually(Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 60 s; the canary: " + http("/canaries/cli/podinfo"));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

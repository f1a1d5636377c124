package dev.flagstep.local.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.local.cli.Args;
import dev.flagstep.local.cli.ServeCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code flagstep serve} as a command: it prints where it listens, serves until stopped, closes. */
class ServeCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ServeCommand command = new ServeCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    @Test
    void servesOnTheUrlItPrintsUntilStopped() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> command.serve(List.of("--simulate", "--port", "0", "--speed", "10"), stop));
        Pattern listening = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
        URI url = ServeHarness.eventually(Duration.ofSeconds(60), () -> {
            Matcher m = listening.matcher(out.toString(StandardCharsets.UTF_8));
            assertThat(exit).as("stderr: %s", err.toString(StandardCharsets.UTF_8)).isNotDone();
            assertThat(m.find()).as("output so far: %s", out.toString(StandardCharsets.UTF_8)).isTrue();
            // the banner is several println calls: read it once all of it is out
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("Ctrl-C stops");
            return URI.create(m.group(1));
        });
        Http http = new Http(url);
        String printed = out.toString(StandardCharsets.UTF_8);

        assertThat(http.get("/healthz").body()).isEqualTo("OK");
        assertThat(http.post("/gate/approve", "").body()).isEqualTo("OK");
        assertThat(http.post("/2015-03-31/functions/Initialize/invocations", "{}").header("X-Amz-Function-Error")).contains("Unhandled");
        assertThat(printed).contains(url + "/canaries/test/podinfo", url + "/gate/check", "Ctrl-C stops");
        Matcher kubeconfig = Pattern.compile("KUBECONFIG=(\\S+) kubectl get canaries -A -w").matcher(printed);
        assertThat(kubeconfig.find()).as(printed).isTrue();
        Path written = Path.of(kubeconfig.group(1));
        assertThat(Files.readString(written)).contains("server: http://127.0.0.1:", "current-context: flagstep-simulated");
        // the sync runs by default: the GitOps walk-through with kubectl against the simulated cluster
        assertThat(printed).contains("export KUBECONFIG=" + written, "kubectl create namespace test",
                "kubectl -n test set image deployment/podinfo podinfo=ghcr.io/stefanprodan/podinfo:6.7.1");

        stop.countDown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("stopping");
        assertThat(written).as("the temporary kubeconfig goes with the cluster").doesNotExist();
    }

    @Test
    void aWrongCommandLineIsAUsageError() {
        CountDownLatch never = new CountDownLatch(1);
        assertThatThrownBy(() -> command.serve(List.of("--simulate", "--kubeconfig", "k"), never))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("--simulate");
        assertThatThrownBy(() -> command.serve(List.of("--sim-kubeconfig", "k"), never))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("--sim-kubeconfig needs --simulate");
        assertThatThrownBy(() -> command.serve(List.of("--port", "70000"), never))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("--port");
        assertThatThrownBy(() -> command.serve(List.of("canary.yaml"), never))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("no arguments");
        assertThatThrownBy(() -> command.serve(List.of("--simulate", "--sync-interval", "-1"), never))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("--sync-interval");
        assertThatThrownBy(() -> command.serve(List.of("--simulate", "--sync-interval", "1m"), never))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("--sync-interval");
        assertThatThrownBy(() -> command.serve(List.of("--simulate", "--watch-namespaces", "a,B"), never))
                .isInstanceOf(Args.UsageException.class).hasMessageStartingWith("--watch-namespaces: 'B' is not a Kubernetes namespace");
        assertThatThrownBy(() -> command.serve(List.of("--bogus"), never))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("--bogus");
    }

    @Test
    void aKubeconfigThatCannotBeReadIsExit2() {
        int code = command.serve(List.of("--kubeconfig", "/nonexistent/kubeconfig", "--port", "0"), new CountDownLatch(1));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("flagstep serve: ");
    }
}

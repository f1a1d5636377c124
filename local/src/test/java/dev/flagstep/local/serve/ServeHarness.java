package dev.flagstep.local.serve;

import dev.flagstep.gate.TaskTokens;
import dev.flagstep.local.LocalRuntime;
import dev.flagstep.local.PhaseFaults;
import dev.flagstep.phases.wiring.HistoryBudget;
import dev.flagstep.local.e2e.CanaryYaml;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.testing.WebhookReceiver;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.flagstep.asl.HistoryEvent;
import java.util.function.Supplier;

/**
 * {@code flagstep serve --simulate} in a test: the simulated cluster, the local runtime and the
 * server on an ephemeral loopback port (so the built-in gates are at {@code {url}/gate/check}), and a
 * webhook receiver as the Prometheus API. Waits run {@value #SPEED} times faster. One per test class;
 * every test uses its own canary names.
 */
public final class ServeHarness implements AutoCloseable {

    static final int SPEED = 100;
    static final String NAMESPACE = "serve";

    final SimulatedCluster sim;
    final WebhookReceiver receiver;
    final ServedRuntime serve;
    final Http http;

    private ServeHarness(Optional<TaskTokens> elsewhere, Optional<PhaseFaults> faults, HistoryBudget budget) {
        this.sim = SimulatedCluster.start();
        this.receiver = WebhookReceiver.start();
        this.serve = ServedRuntime.start(0, new LocalRuntime.Settings(Optional.empty(), SPEED, "kubernetes",
                receiver.url(""), Optional.empty(), budget), sim.client(), Optional.of(sim), Set.of(), Optional.empty(), elsewhere,
                faults);
        this.http = new Http(serve.url());
        serve.runtime().interpreter().addListener((execution, event) -> {
            executions.putIfAbsent(execution.name(), execution);
            if (event.type() == HistoryEvent.Type.TASK_FAILED || event.type() == HistoryEvent.Type.TASK_CAUGHT
                    || event.type() == HistoryEvent.Type.TASK_TIMED_OUT) {
                failures.add(execution.name() + " " + event.type() + " " + event.state().orElse("") + " " + event.details());
            }
        });
    }

    /** Task failures of every rollout so far (a failed assertion shows them: the API does not). */
    final List<String> failures = new CopyOnWriteArrayList<>();

    /** Every execution the runtime's interpreter ran, by name (a rollout's continuations among them). */
    final java.util.Map<String, dev.flagstep.asl.Execution> executions = new java.util.concurrent.ConcurrentHashMap<>();

    static ServeHarness start() {
        return new ServeHarness(Optional.empty(), Optional.empty(), HistoryBudget.fromEnvironment(System.getenv()));
    }

    /** {@code faults} hooks every phase invocation (a test acts through the API at a chosen tick). */
    static ServeHarness start(PhaseFaults faults) {
        return new ServeHarness(Optional.empty(), Optional.of(faults), HistoryBudget.fromEnvironment(System.getenv()));
    }

    /** One whose phases and API also resume {@code elsewhere}'s task tokens (another Step Functions' tasks). */
    static ServeHarness start(TaskTokens elsewhere) {
        return new ServeHarness(Optional.of(elsewhere), Optional.empty(), HistoryBudget.fromEnvironment(System.getenv()));
    }

    /** As {@link #start(TaskTokens)}; {@code faults} hooks the phase invocations of the runtime's own interpreter. */
    static ServeHarness start(TaskTokens elsewhere, PhaseFaults faults) {
        return new ServeHarness(Optional.of(elsewhere), Optional.of(faults), HistoryBudget.fromEnvironment(System.getenv()));
    }

    /** As {@link #start(TaskTokens)}; every execution hands the rollout over after {@code budget}'s ticks. */
    static ServeHarness start(TaskTokens elsewhere, HistoryBudget budget) {
        return new ServeHarness(Optional.of(elsewhere), Optional.empty(), budget);
    }

    URI url() {
        return serve.url();
    }

    /**
     * A Gateway API canary in namespace {@value #NAMESPACE}; {@code analysis} is indented by four
     * spaces. Its target Deployment has the canary's name.
     */
    static String canary(String name, String analysis) {
        return canary(NAMESPACE, name, analysis);
    }

    static String canary(String namespace, String name, String analysis) {
        return CanaryYaml.named(name).namespace(namespace).analysis(analysis);
    }

    /**
     * A canary whose confirm-rollout hook is this server's own loadtester gate ({@code /gate/check}): each
     * rollout parks at confirm-rollout until the gate is opened.
     */
    String gatedCanary(String namespace, String name) {
        return canary(namespace, name, """
                    interval: 10m
                    threshold: 2
                    stepWeight: 50
                    webhooks:
                      - name: approval
                        type: confirm-rollout
                        url: %s
                """.formatted(url() + "/gate/check"));
    }

    /** PUT the canary (201), then its first rollout (Flagger's first pass, which creates the primary), awaited. */
    void bootstrap(String namespace, String name, String yaml) {
        String path = "/canaries/" + namespace + "/" + name;
        Http.Reply put = http.put(path, "application/yaml", yaml);
        if (put.status() != 201) {
            throw new AssertionError("PUT " + path + ": " + put);
        }
        Http.Reply start = http.postJson(path + "/rollouts", "{\"revision\":\"" + SimulatedTargets.FIRST_TAG + "\"}");
        if (start.status() != 201) {
            throw new AssertionError("first rollout of " + path + ": " + start);
        }
        eventually(Duration.ofSeconds(30), () -> {
            var c = http.get(path).json();
            if (!c.path("status").path("phase").asText().equals("Initialized") || !c.path("activeRun").isNull()) {
                throw new AssertionError("not initialised yet: " + c.path("status") + " " + c.path("activeRun"));
            }
            return c;
        });
    }

    /** Polls until the assertion passes or the time is up (rethrowing its last failure). */
    static void until(Duration timeout, Runnable assertion) {
        eventually(timeout, () -> {
            assertion.run();
            return true;
        });
    }

    /** Polls until the assertion passes (returning its value) or the time is up (rethrowing its last failure). */
    public static <T> T eventually(Duration timeout, Supplier<T> assertion) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                return assertion.get();
            } catch (AssertionError | RuntimeException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        serve.close();
        receiver.close();
        sim.close();
    }
}

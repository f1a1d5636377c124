package dev.flagstep.local.cli;

import dev.flagstep.local.LocalRuntime;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.asl.Execution;
import dev.flagstep.asl.ExecutionChain;
import dev.flagstep.asl.ExecutionStatus;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.Run;
import dev.flagstep.store.StatusRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Follows rollouts on the local runtime: the live progress line of each canary (phase, weight,
 * failed checks, last event), and what the summary needs once they end (phase timings, weights,
 * events).
 */
final class RolloutWatcher {

    /** How one rollout went; {@code execution} is how its last execution of {@code executions} ended. */
    record Outcome(
            CanaryId canary,
            ExecutionStatus execution,
            int executions,
            Optional<String> error,
            CanaryPhase finalPhase,
            List<PhaseSpan> phases,
            List<Integer> weights,
            int maxFailedChecks,
            int threshold,
            List<CanaryEvent> events,
            Duration took) {

        boolean succeeded() {
            return execution == ExecutionStatus.SUCCEEDED && finalPhase == CanaryPhase.SUCCEEDED;
        }
    }

    /** A phase and how long the canary stayed in it. */
    record PhaseSpan(CanaryPhase phase, Duration took) {}

    private final LocalRuntime runtime;
    private final Progress progress;
    private final Map<CanaryId, List<CanaryEvent>> events = new ConcurrentHashMap<>();

    RolloutWatcher(LocalRuntime runtime, Progress progress) {
        this.runtime = runtime;
        this.progress = progress;
        runtime.bus().listen(e -> events.computeIfAbsent(e.canary(), k -> new CopyOnWriteArrayList<>()).add(e));
    }

    /**
     * Runs the rollout to its end, drawing progress, and tells how it went: the run, across the
     * executions that continue it (the first one ends SUCCEEDED when it hands over).
     */
    Outcome follow(CanaryDocument doc, Execution execution, Duration patience) throws InterruptedException {
        ExecutionChain run = execution.chain();
        CanaryId id = doc.canary().id();
        int threshold = doc.canary().analysis().map(a -> a.threshold()).orElse(1);
        Instant start = Instant.now();
        List<CanaryPhase> seen = new ArrayList<>();
        List<Instant> at = new ArrayList<>();
        int maxFailed = 0;
        Instant deadline = start.plus(patience);
        while (true) {
            boolean done = !run.isRunning();
            Optional<StatusRecord> status = runtime.store().statusRecord(id);
            if (status.isPresent()) {
                CanaryStatus s = status.get().status();
                maxFailed = Math.max(maxFailed, s.failedChecks());
                if (seen.isEmpty() || seen.get(seen.size() - 1) != s.phase()) {
                    seen.add(s.phase());
                    at.add(Instant.now());
                }
                progress.update(line(id, s, threshold));
            }
            if (done) {
                break;
            }
            if (Instant.now().isAfter(deadline)) {
                run.stop("Timeout", "flagstep gave up waiting after " + patience.toSeconds() + "s");
            }
            run.await(Duration.ofMillis(150));
        }
        Instant end = Instant.now();
        List<PhaseSpan> spans = new ArrayList<>();
        for (int i = 0; i < seen.size(); i++) {
            Instant until = i + 1 < at.size() ? at.get(i + 1) : end;
            spans.add(new PhaseSpan(seen.get(i), Duration.between(at.get(i), until)));
        }
        CanaryPhase lastPhase = seen.isEmpty() ? CanaryPhase.INITIALIZING : seen.get(seen.size() - 1);
        String runId = execution.input().path("runId").asText();
        List<Integer> weights = runtime.store().run(id, runId).map(Run::weights).orElse(List.of()).stream()
                .map(Run.WeightPoint::weight).toList();
        Execution last = run.latest();
        return new Outcome(id, last.status(), run.length(), last.cause().or(last::error), lastPhase, spans, weights,
                maxFailed, threshold, List.copyOf(events.getOrDefault(id, List.of())), Duration.between(start, end));
    }

    private ProgressLine line(CanaryId id, CanaryStatus s, int threshold) {
        List<CanaryEvent> mine = events.getOrDefault(id, List.of());
        String last = mine.isEmpty() ? "" : mine.get(mine.size() - 1).message();
        return new ProgressLine(id.dotted(), s.phase().wireName(), s.canaryWeight(), s.failedChecks(), threshold, last);
    }
}

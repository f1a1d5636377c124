package dev.flagstep.phases.wiring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Weights;
import dev.flagstep.observability.FlaggerMetrics;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import dev.flagstep.webhook.HookOutcome;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * CloudWatch embedded-metric-format lines (namespace {@code flagstep}) for the dashboard in
 * template.yaml: each canary's weight and failed checks after every phase, each webhook call's
 * latency and failure by hook type, and each handover of a rollout to a new execution (so that the
 * dashboard counts rollouts, not executions). Written to stdout only inside Lambda, where the log line
 * becomes the metric at no API cost; the local runtime keeps its terminal for people.
 *
 * <p>Also Flagger's metrics and the rollout figures ({@link dev.flagstep.observability}, docs/observability.md),
 * through {@link #write}.
 */
public final class EmfMetrics {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final boolean IN_LAMBDA = System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null;

    private EmfMetrics() {}

    // ---- Flagger's metrics and the rollout figures (dev.flagstep.observability) ----

    private static final Consumer<ObjectNode> STDOUT = line -> emit(System.out, line);
    private static volatile Consumer<ObjectNode> sink = IN_LAMBDA ? STDOUT : line -> { };

    /** Where {@link #write} sends lines until {@link #close}: a test's list (the local runtime prints nothing). */
    public interface Recording extends AutoCloseable {
        @Override
        void close();
    }

    /** For tests: every line {@link #write} emits goes to {@code to} instead, until the recording is closed. */
    public static Recording recordTo(Consumer<ObjectNode> to) {
        Consumer<ObjectNode> before = sink;
        sink = to;
        return () -> sink = before;
    }

    /** Emits each line (stdout inside Lambda, nowhere locally). */
    public static void write(List<ObjectNode> lines) {
        lines.forEach(sink);
    }

    public static void write(ObjectNode line) {
        sink.accept(line);
    }

    /**
     * What every saved tick records, as Flagger's scheduler does on each pass: the status gauge, the primary and
     * canary weights, and {@code flagger_info} (the installation's mesh provider), so each series has a point
     * per tick.
     */
    public static List<ObjectNode> tickLines(FlaggerMetrics.Canary canary, CanaryPhase phase, int canaryWeight,
            String meshProvider, Instant now) {
        List<ObjectNode> lines = new ArrayList<>();
        lines.add(FlaggerMetrics.status(canary, phase, now));
        lines.addAll(FlaggerMetrics.weights(canary, Weights.TOTAL - canaryWeight, canaryWeight, now));
        lines.add(FlaggerMetrics.info(FlaggerMetrics.VERSION, meshProvider, now));
        return lines;
    }

    // ---- end of Flagger's metrics ----

    public static void canary(CanaryId id, int canaryWeight, int failedChecks, Instant now) {
        if (IN_LAMBDA) {
            emit(System.out, canaryLine(id, canaryWeight, failedChecks, now));
        }
    }

    public static void hook(HookType type, HookOutcome outcome, Instant now) {
        if (IN_LAMBDA) {
            emit(System.out, hookLine(type, outcome, now));
        }
    }

    public static void handover(CanaryId id, Instant now) {
        if (IN_LAMBDA) {
            emit(System.out, handoverLine(id, now));
        }
    }

    /** No dimension: the dashboard subtracts the sum from Step Functions' execution counts. */
    static ObjectNode handoverLine(CanaryId id, Instant now) {
        ObjectNode line = envelope(now, null, new String[][] {{"Handovers", "Count"}});
        line.put("Handovers", 1);
        line.put("canary", id.toString());
        return line;
    }

    static ObjectNode canaryLine(CanaryId id, int canaryWeight, int failedChecks, Instant now) {
        ObjectNode line = envelope(now, "Canary", new String[][] {{"CanaryWeight", "Percent"}, {"FailedChecks", "Count"}});
        line.put("Canary", id.toString());
        line.put("CanaryWeight", canaryWeight);
        line.put("FailedChecks", failedChecks);
        return line;
    }

    static ObjectNode hookLine(HookType type, HookOutcome outcome, Instant now) {
        ObjectNode line = envelope(now, "HookType", new String[][] {{"WebhookLatency", "Milliseconds"}, {"WebhookFailures", "Count"}});
        line.put("HookType", type.wireName());
        line.put("WebhookLatency", outcome.duration().toMillis());
        line.put("WebhookFailures", outcome instanceof HookOutcome.Failed ? 1 : 0);
        line.put("hook", outcome.hook().name());
        return line;
    }

    private static ObjectNode envelope(Instant now, String dimension, String[][] metrics) {
        ObjectNode line = MAPPER.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", now.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", "flagstep");
        var dimensions = directive.putArray("Dimensions").addArray();
        if (dimension != null) {
            dimensions.add(dimension);
        }
        var list = directive.putArray("Metrics");
        for (String[] m : metrics) {
            list.addObject().put("Name", m[0]).put("Unit", m[1]);
        }
        return line;
    }

    private static void emit(PrintStream out, ObjectNode line) {
        out.println(line.toString());
    }
}

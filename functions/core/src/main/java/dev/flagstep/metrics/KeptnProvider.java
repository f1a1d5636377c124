package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.webhook.Sleeper;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Flagger's Keptn provider: Kubernetes objects of {@code metrics.keptn.sh/v1beta1}, in whatever namespace the
 * query names. {@code keptnmetric/<ns>/<name>} reads a KeptnMetric's {@code status.value};
 * {@code analysis/<ns>/<definition>[/<duration>[/<k=v;k=v>]]} creates an Analysis of that AnalysisDefinition,
 * polls it once a second for up to ten seconds until Keptn completes it (pass = 1, fail = 0, as is a completed
 * status without {@code pass}: Keptn omits {@code pass: false}), and deletes it.
 */
public final class KeptnProvider implements MetricProvider {

    /** Flagger's poll: a GET every second, for ten seconds. */
    static final Duration POLL = Duration.ofSeconds(1);
    static final int POLLS = 10;
    private static final String FORMAT = "unexpected query format. query must be in the format "
            + "<keptnmetric|analysis>/<namespace>/<resourceName>/<duration>/<arguments>";

    private final Supplier<KubeClient> kube;
    private final Sleeper sleeper;

    /** @param sleeper waits between the polls of an Analysis (tests complete it instead of waiting) */
    KeptnProvider(Supplier<KubeClient> kube, Sleeper sleeper) {
        this.kube = kube;
        this.sleeper = sleeper;
    }

    /** A parsed query (Flagger's {@code parseQuery}: lower-cased, trimmed, split on {@code /}). */
    record Query(boolean analysis, String namespace, String name, String duration, ObjectNode args) {

        static Query parse(String text) {
            String[] split = text.toLowerCase(Locale.ROOT).strip().split("/", -1);
            if (split.length < 3) {
                throw new MetricQueryException(FORMAT);
            }
            ObjectNode args = JsonNodeFactory.instance.objectNode();
            return switch (split[0]) {
                case "keptnmetric", "keptnmetrics" -> new Query(false, split[1], split[2], "", args);
                case "analysis", "analyses" -> {
                    if (split.length >= 5) {
                        for (String pair : split[4].split(";")) {
                            String[] kv = pair.split("=", -1);
                            if (kv.length == 2) {
                                args.put(kv[0], kv[1]);
                            }
                        }
                    }
                    yield new Query(true, split[1], split[2], split.length >= 4 ? split[3] : "1m", args);
                }
                default -> throw new MetricQueryException(
                        "unexpected resource kind provided in the query. must be one of: ['keptnmetric', 'analysis']");
            };
        }
    }

    @Override
    public double query(String query, Optional<String> interval) {
        Query q = Query.parse(query);
        String shown = q.namespace() + "/" + q.name();
        try {
            return q.analysis() ? analysis(q, shown) : keptnMetric(q, shown);
        } catch (IllegalArgumentException e) {
            // a namespace or name that is not a Kubernetes name: it would smuggle path segments into the URL
            throw new MetricQueryException("could not query Keptn " + shown + ": " + e.getMessage(), e);
        }
    }

    private double keptnMetric(Query q, String shown) {
        JsonNode metric;
        try {
            metric = kube.get().require(ResourceKind.KEPTN_METRIC.ref(q.namespace(), q.name()));
        } catch (KubeException e) {
            throw new MetricQueryException("could not retrieve KeptnMetric " + shown + ": " + e.getMessage(), e);
        }
        JsonNode value = metric.path("status").path("value");
        if (!value.isTextual()) {
            throw new MetricQueryException("could not retrieve KeptnMetric - no value found in resource " + shown);
        }
        try {
            return Double.parseDouble(value.asText().strip());
        } catch (NumberFormatException e) {
            throw new MetricQueryException("could not parse value of KeptnMetric " + shown + " to float: " + value, e);
        }
    }

    private double analysis(Query q, String shown) {
        KubeClient client = kube.get();
        ObjectNode analysis = JsonNodeFactory.instance.objectNode()
                .put("apiVersion", ResourceKind.KEPTN_ANALYSIS.apiVersion()).put("kind", ResourceKind.KEPTN_ANALYSIS.kind());
        analysis.putObject("metadata").put("name", q.name() + "-" + UUID.randomUUID().toString().substring(0, 6))
                .put("namespace", q.namespace());
        ObjectNode spec = analysis.putObject("spec");
        spec.putObject("analysisDefinition").put("name", q.name());
        spec.putObject("timeframe").put("recent", q.duration());
        spec.set("args", q.args());
        KubeRef created;
        try {
            created = ResourceKind.KEPTN_ANALYSIS.ref(q.namespace(), client.create(ResourceKind.KEPTN_ANALYSIS, analysis)
                    .path("metadata").path("name").asText());
        } catch (KubeException e) {
            throw new MetricQueryException("could not create Keptn Analysis " + shown + ": " + e.getMessage(), e);
        }
        try {
            for (int poll = 0; poll < POLLS; poll++) {
                sleeper.sleep(POLL);
                JsonNode status;
                try {
                    status = client.require(created).path("status");
                } catch (KubeException e) {
                    throw new MetricQueryException("could not check status of created Keptn Analysis " + shown + ": " + e.getMessage(), e);
                }
                if (status.path("state").asText("").equals("Completed")) {
                    // Keptn writes pass with omitempty: a failed Analysis has no pass at all (Flagger waits for one
                    // until its timeout; flagstep reads the absence as the failure it is)
                    return status.path("pass").asBoolean(false) ? 1 : 0;
                }
            }
            throw new MetricQueryException("encountered timeout while waiting for Keptn Analysis " + shown + " to be finished");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetricQueryException("interrupted while waiting for Keptn Analysis " + shown, e);
        } finally {
            try {
                client.delete(created);
            } catch (KubeException e) {
                // Flagger only logs this; the answer (or the error above) is what the analysis needs
            }
        }
    }

    /** Flagger's check is always true: there is no Keptn endpoint to ask. */
    @Override
    public void checkOnline() {
    }
}

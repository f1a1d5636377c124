package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.GoDuration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keptn's metrics-operator as far as Flagger's keptn provider meets it: it completes {@code metrics.keptn.sh/v1beta1}
 * Analyses. An Analysis whose AnalysisDefinition ({@code spec.analysisDefinition}, in the Analysis's namespace unless
 * it names one) is missing stays {@code Pending} with its timeframe set, as Keptn requeues it; otherwise it is
 * completed at once with the verdict the definition's {@link #VERDICT} annotation scripts ({@code pass} without one),
 * its status written as Keptn writes it: {@code state: Completed}, {@code pass} only when true ({@code omitempty}),
 * {@code warning}, {@code raw} (the evaluation as JSON) and the timeframe. The objectives themselves are not evaluated:
 * the simulated cluster has no metric providers to ask.
 */
final class KeptnMetricsOperator {

    static final ResourceKind ANALYSIS_DEFINITION =
            new ResourceKind("metrics.keptn.sh", "v1beta1", "AnalysisDefinition", "analysisdefinitions");
    /**
     * On an AnalysisDefinition: {@code pass} (the default), {@code fail}, {@code warning} (a failure with
     * {@code warning: true}); any other value leaves its Analyses {@code Progressing}, as when Keptn's provider never
     * answers.
     */
    static final String VERDICT = "flagstep.dev/simulated-verdict";

    /** An Analysis this operator completed. */
    record Completed(String namespace, String name, String definition, boolean pass) {}

    private final List<Completed> completed = new CopyOnWriteArrayList<>();

    /** The Analyses completed so far, oldest first (deleted ones too). */
    List<Completed> completed() {
        return List.copyOf(completed);
    }

    /** One pass over every Analysis not completed yet. */
    void reconcile(KubeClient kube, ClusterWideApi api, Clock clock) {
        for (ObjectNode analysis : api.list(ResourceKind.KEPTN_ANALYSIS)) {
            if (analysis.path("status").path("state").asText("").equals("Completed")) continue;
            String ns = analysis.path("metadata").path("namespace").asText();
            String name = analysis.path("metadata").path("name").asText();
            JsonNode ref = analysis.path("spec").path("analysisDefinition");
            String definitionNamespace = ref.path("namespace").asText("").isEmpty() ? ns : ref.path("namespace").asText();
            String definition = ref.path("name").asText();
            Optional<ObjectNode> def = definition.isEmpty() ? Optional.empty()
                    : kube.get(ANALYSIS_DEFINITION.ref(definitionNamespace, definition));
            ObjectNode status = status(analysis, clock.instant(), def.map(KeptnMetricsOperator::verdict));
            if (status.equals(analysis.path("status"))) continue; // still pending or progressing: nothing to write
            try {
                kube.edit(ResourceKind.KEPTN_ANALYSIS.ref(ns, name), a -> a.set("status", status));
            } catch (KubeException.NotFound | KubeException.Conflict deletedOrBusy) {
                continue; // the next tick looks again
            }
            if (status.path("state").asText().equals("Completed")) {
                completed.add(new Completed(ns, name, definition, status.path("pass").asBoolean(false)));
            }
        }
    }

    private static String verdict(ObjectNode definition) {
        return definition.path("metadata").path("annotations").path(VERDICT).asText("pass").strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The status Keptn writes for {@code analysis} at {@code now}: Pending without a definition, Progressing for a
     * verdict it never reaches, else Completed.
     */
    static ObjectNode status(JsonNode analysis, Instant now, Optional<String> verdict) {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        JsonNode old = analysis.path("status").path("timeframe");
        status.set("timeframe", old.has("from") && old.has("to") ? old.deepCopy() : timeframe(analysis.path("spec"), now));
        if (verdict.isEmpty()) return status.put("state", "Pending");
        boolean pass = verdict.get().equals("pass");
        boolean warning = verdict.get().equals("warning");
        if (!pass && !warning && !verdict.get().equals("fail")) return status.put("state", "Progressing");
        status.put("raw", JsonNodeFactory.instance.objectNode().putNull("objectiveResults")
                .put("totalScore", pass ? 1 : 0).put("maximumScore", 1).put("pass", pass).put("warning", warning).toString());
        if (pass) status.put("pass", true); // omitempty: a failure has no pass
        if (warning) status.put("warning", true);
        return status.put("state", "Completed");
    }

    /** Keptn's {@code EnsureTimeframeIsSet}: {@code recent} back from now, else the spec's from and to. */
    private static ObjectNode timeframe(JsonNode spec, Instant now) {
        JsonNode t = spec.path("timeframe");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        // a recent Keptn's webhook would refuse reads as none
        Duration recent = GoDuration.parse(t.path("recent").asText("")).orElse(Duration.ZERO);
        if (recent.isPositive()) {
            return out.put("from", now.minus(recent).toString()).put("to", now.toString());
        }
        return out.put("from", t.path("from").asText("")).put("to", t.path("to").asText(""));
    }
}

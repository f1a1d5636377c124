package dev.flagstep.workload.autoscaler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.spec.AutoscalerRef;
import dev.flagstep.spec.AutoscalerRef.Kind;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrimaryScalerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String HPA = """
            {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
             "metadata": {"name": "podinfo", "namespace": "test", "resourceVersion": "7", "uid": "u",
                          "labels": {"app": "podinfo", "kustomize.toolkit.fluxcd.io/name": "apps"},
                          "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "team": "a"}},
             "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo"},
                      "minReplicas": 2, "maxReplicas": 4,
                      "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 99}}}],
                      "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}}},
             "status": {"currentReplicas": 2}}""";

    private static final String SO = """
            {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
             "metadata": {"name": "podinfo-so", "namespace": "test",
                          "labels": {"app": "podinfo", "helm.toolkit.fluxcd.io/name": "x"},
                          "annotations": {"scaledobject.keda.sh/transfer-hpa-ownership": "true",
                                          "autoscaling.keda.sh/paused-replicas": "0",
                                          "kustomize.toolkit.fluxcd.io/reconcile": "disabled"}},
             "spec": {"scaleTargetRef": {"name": "podinfo", "envSourceContainerName": "podinfod"},
                      "pollingInterval": 10, "cooldownPeriod": 20, "initialCooldownPeriod": 5,
                      "minReplicaCount": 2, "maxReplicaCount": 4, "idleReplicaCount": 0,
                      "fallback": {"failureThreshold": 3, "replicas": 6, "behavior": "currentReplicasIfHigher"},
                      "advanced": {"restoreToOriginalReplicaCount": true,
                                   "horizontalPodAutoscalerConfig": {"name": "podinfo-hpa", "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}},
                                   "scalingModifiers": {"formula": "prom + 1"}},
                      "triggers": [{"type": "prometheus", "name": "prom", "useCachedMetrics": true,
                                    "metadata": {"serverAddress": "http://prometheus:9090", "query": "sum(rate(http_requests_total{app=\\"podinfo\\"}[1m]))", "threshold": "10"}},
                                   {"type": "prometheus", "metadata": {"query": "sum(x{app=\\"podinfo-canary\\"})"}}]}}""";

    private static AutoscalerRef hpa(Optional<Integer> min, Optional<Integer> max) {
        return new AutoscalerRef(Kind.HORIZONTAL_POD_AUTOSCALER, "autoscaling/v2", "podinfo", min, max, Optional.empty());
    }

    private static AutoscalerRef so(Optional<Integer> min, Optional<Integer> max, Optional<Map<String, String>> queries) {
        return new AutoscalerRef(Kind.SCALED_OBJECT, "keda.sh/v1alpha1", "podinfo-so", min, max, queries);
    }

    @Test
    void theHpaCopyAimsAtThePrimaryWithTheUsersScaling() throws Exception {
        ObjectNode primary = PrimaryScaler.primaryObject(hpa(Optional.empty(), Optional.empty()), JSON.readTree(HPA), "podinfo", "test");
        assertThat(primary).isEqualTo(JSON.readTree("""
                {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                 "metadata": {"name": "podinfo-primary", "namespace": "test", "labels": {"app": "podinfo"}},
                 "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo-primary"},
                          "minReplicas": 2, "maxReplicas": 4,
                          "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 99}}}],
                          "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}}}}"""));
    }

    @Test
    void primaryScalerReplicasOverrideEachBoundOnItsOwn() throws Exception {
        JsonNode user = JSON.readTree(HPA);
        assertThat(bounds(PrimaryScaler.desiredSpec(hpa(Optional.empty(), Optional.of(6)), user, "podinfo"))).isEqualTo("2..6");
        assertThat(bounds(PrimaryScaler.desiredSpec(hpa(Optional.of(3), Optional.empty()), user, "podinfo"))).isEqualTo("3..4");
        assertThat(bounds(PrimaryScaler.desiredSpec(hpa(Optional.of(1), Optional.of(9)), user, "podinfo"))).isEqualTo("1..9");
        // an HPA without minReplicas or metrics: the copy has none either, unless overridden
        ObjectNode bare = (ObjectNode) JSON.readTree(HPA);
        ((ObjectNode) bare.get("spec")).remove(java.util.List.of("minReplicas", "metrics", "behavior"));
        assertThat(PrimaryScaler.desiredSpec(hpa(Optional.empty(), Optional.empty()), bare, "podinfo")).isEqualTo(JSON.readTree("""
                {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo-primary"}, "maxReplicas": 4}"""));
        assertThat(PrimaryScaler.desiredSpec(hpa(Optional.of(2), Optional.empty()), bare, "podinfo").path("minReplicas").asInt()).isEqualTo(2);
    }

    private static String bounds(JsonNode spec) {
        return spec.path("minReplicas").asInt() + ".." + spec.path("maxReplicas").asInt();
    }

    @Test
    void theScaledObjectCopyKeepsTheWholeSpecAimedAtThePrimary() throws Exception {
        ObjectNode primary = PrimaryScaler.primaryObject(so(Optional.empty(), Optional.empty(), Optional.empty()),
                JSON.readTree(SO), "podinfo", "test");
        assertThat(primary).isEqualTo(JSON.readTree("""
                {"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
                 "metadata": {"name": "podinfo-so-primary", "namespace": "test", "labels": {"app": "podinfo"},
                              "annotations": {"scaledobject.keda.sh/transfer-hpa-ownership": "true"}},
                 "spec": {"scaleTargetRef": {"name": "podinfo-primary", "envSourceContainerName": "podinfod"},
                          "pollingInterval": 10, "cooldownPeriod": 20, "initialCooldownPeriod": 5,
                          "minReplicaCount": 2, "maxReplicaCount": 4, "idleReplicaCount": 0,
                          "fallback": {"failureThreshold": 3, "replicas": 6, "behavior": "currentReplicasIfHigher"},
                          "advanced": {"restoreToOriginalReplicaCount": true,
                                       "horizontalPodAutoscalerConfig": {"name": "podinfo-hpa-primary", "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}},
                                       "scalingModifiers": {"formula": "prom + 1"}},
                          "triggers": [{"type": "prometheus", "name": "prom", "useCachedMetrics": true,
                                        "metadata": {"serverAddress": "http://prometheus:9090", "query": "sum(rate(http_requests_total{app=\\"podinfo-primary\\"}[1m]))", "threshold": "10"}},
                                       {"type": "prometheus", "metadata": {"query": "sum(x{app=\\"podinfo-primary\\"})"}}]}}"""));
    }

    @Test
    void theScaledObjectCopyTakesTheOverrides() throws Exception {
        ObjectNode spec = PrimaryScaler.desiredSpec(so(Optional.of(3), Optional.of(8), Optional.of(Map.of("prom", "primary"))),
                JSON.readTree(SO), "podinfo");
        assertThat(spec.path("minReplicaCount").asInt()).isEqualTo(3);
        assertThat(spec.path("maxReplicaCount").asInt()).isEqualTo(8);
        assertThat(spec.at("/triggers/0/metadata/query").asText()).isEqualTo("primary");
        assertThat(spec.at("/triggers/1/metadata/query").asText()).isEqualTo("sum(x{app=\"podinfo-canary\"})");
        // no named KEDA HPA: KEDA's default name (keda-hpa-{name}) differs for the copy already
        ObjectNode unnamed = (ObjectNode) JSON.readTree(SO);
        ((ObjectNode) unnamed.at("/spec/advanced/horizontalPodAutoscalerConfig")).remove("name");
        assertThat(PrimaryScaler.desiredSpec(so(Optional.empty(), Optional.empty(), Optional.empty()), unnamed, "podinfo")
                .at("/advanced/horizontalPodAutoscalerConfig").has("name")).isFalse();
    }

    @Test
    void anHpaNeedsAnUpdateWhenItsScalingDiffers() throws Exception {
        JsonNode desired = PrimaryScaler.desiredSpec(hpa(Optional.empty(), Optional.empty()), JSON.readTree(HPA), "podinfo");
        assertThat(PrimaryScaler.needsUpdate(Kind.HORIZONTAL_POD_AUTOSCALER, desired, desired.deepCopy())).isFalse();
        for (String change : java.util.List.of(
                "{\"maxReplicas\": 5}", "{\"minReplicas\": 3}", "{\"behavior\": null}", "{\"metrics\": []}",
                "{\"scaleTargetRef\": {\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"name\": \"podinfo\"}}")) {
            ObjectNode current = ((ObjectNode) desired).deepCopy();
            current.setAll((ObjectNode) JSON.readTree(change));
            assertThat(PrimaryScaler.needsUpdate(Kind.HORIZONTAL_POD_AUTOSCALER, desired, current)).as(change).isTrue();
        }
        // an absent minimum is 1, absent metrics are none, an absent behavior is null (as the API server reads them)
        JsonNode bareDesired = JSON.readTree("{\"scaleTargetRef\": {\"name\": \"p\"}, \"maxReplicas\": 4}");
        JsonNode explicit = JSON.readTree("{\"scaleTargetRef\": {\"name\": \"p\"}, \"maxReplicas\": 4, \"minReplicas\": 1, \"metrics\": [], \"behavior\": null}");
        assertThat(PrimaryScaler.needsUpdate(Kind.HORIZONTAL_POD_AUTOSCALER, bareDesired, explicit)).isFalse();
    }

    @Test
    void aScaledObjectNeedsAnUpdateWhenAnythingInItsSpecDiffers() throws Exception {
        JsonNode desired = PrimaryScaler.desiredSpec(so(Optional.empty(), Optional.empty(), Optional.empty()), JSON.readTree(SO), "podinfo");
        assertThat(PrimaryScaler.needsUpdate(Kind.SCALED_OBJECT, desired, desired.deepCopy())).isFalse();
        ObjectNode current = ((ObjectNode) desired).deepCopy();
        current.put("pollingInterval", 30);
        assertThat(PrimaryScaler.needsUpdate(Kind.SCALED_OBJECT, desired, current)).isTrue();
    }
}

package dev.flagstep.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.KubeNamespaces;
import dev.flagstep.net.ClusterServiceException;
import dev.flagstep.net.ClusterServices;
import dev.flagstep.net.ServiceAddress;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.MetricCheck;
import dev.flagstep.spec.MetricTemplate;
import dev.flagstep.spec.Webhook;
import dev.flagstep.workload.TargetControllers;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the preflight checks with flagstep's own Kubernetes identity: the API server answers; then for each canary,
 * its target exists, its primary Service (once a rollout made it) and every cluster Service its webhooks and
 * metrics use have a ready endpoint, and every
 * permission it needs is granted (one SelfSubjectAccessReview per verb, resource and namespace, asked once). No
 * webhook is called and nothing is written.
 */
public final class Doctor {

    /** A canary to examine; one from a Canary object also needs rights on that object. */
    public record Subject(CanaryDocument document, boolean fromCluster) {}

    static final String API_SERVER = "api server";

    private final KubeClient kube;
    private final ClusterServices services;
    private final AccessReview reviews;
    private final ServiceHealth health;
    private final Optional<URI> defaultMetricsServer;
    private final Map<String, Boolean> reviewed = new HashMap<>();

    /** @param defaultMetricsServer where builtin metrics are read for canaries without {@code spec.metricsServer} */
    public Doctor(KubeClient kube, Optional<URI> defaultMetricsServer, Clock clock) {
        this.kube = kube;
        this.services = new ClusterServices(ClusterServices.DEFAULT_DOMAIN, new KubeNamespaces(() -> kube, clock));
        this.reviews = new AccessReview(kube);
        this.health = new ServiceHealth(kube);
        this.defaultMetricsServer = defaultMetricsServer;
    }

    public List<Finding> examine(List<Subject> canaries) {
        List<Finding> out = new ArrayList<>();
        try {
            JsonNode version = kube.getObject("the API server's version", "/version");
            out.add(Finding.pass(API_SERVER, "reachable at " + kube.endpoint().server() + ", Kubernetes "
                    + version.path("gitVersion").asText("(version not given)")));
        } catch (KubeException e) {
            out.add(Finding.fail(API_SERVER, "not reachable at " + kube.endpoint().server() + ": " + e.getMessage(),
                    "check the cluster endpoint and that flagstep's IAM role has an EKS access entry: aws eks"
                            + " list-access-entries --cluster-name CLUSTER (docs/routers.md)"));
            return out;
        }
        for (Subject s : canaries) {
            try {
                canary(s, out);
            } catch (KubeException | ClusterServiceException e) {
                out.add(Finding.fail(s.document().canary().id().toString(), "could not be examined: " + e.getMessage(),
                        "run the doctor again; if it persists, check the API server's health"));
            }
        }
        return out;
    }

    private void canary(Subject s, List<Finding> out) {
        CanarySpec canary = s.document().canary();
        String subject = canary.id().toString();
        String ns = canary.id().namespace();
        var target = canary.targetRef();
        if (kube.get(TargetControllers.resourceKind(target).ref(ns, target.name())).isPresent()) {
            out.add(Finding.pass(subject, "target " + target.kind() + " " + target.name() + " exists"));
        } else {
            out.add(Finding.fail(subject, "target " + target.kind() + " " + target.name() + " not found in namespace " + ns,
                    "apply the " + target.kind() + ", or correct spec.targetRef; check with: kubectl -n " + ns + " get "
                            + target.kind().toLowerCase(java.util.Locale.ROOT) + " " + target.name()));
        }
        if (!dev.flagstep.spec.KnativeTarget.is(target)) {
            // the primary Service carries the traffic between rollouts; it exists from the first rollout on
            ServiceAddress primary = new ServiceAddress(ns, canary.apexName() + "-primary", false, canary.service().port());
            if (kube.get(dev.flagstep.kubernetes.ResourceKind.SERVICE.ref(ns, primary.name())).isPresent()) {
                out.add(health.check(subject, "primary", primary));
            } else {
                out.add(Finding.pass(subject, "primary: service " + primary.name() + "." + ns + " is created by the first rollout"));
            }
        }
        List<ServiceAddress> receivers = new ArrayList<>();
        for (Webhook hook : canary.analysis().map(a -> a.webhooks()).orElse(List.of())) {
            services.serviceOf(hook.url(), ns).ifPresent(a -> {
                receivers.add(a);
                out.add(health.check(subject, "webhook \"" + hook.name() + "\"", a));
            });
        }
        List<ServiceAddress> queried = new ArrayList<>();
        for (URI address : metricsAddresses(s.document())) {
            services.serviceOf(address, ns).ifPresent(a -> {
                queried.add(a);
                out.add(health.check(subject, "metrics server " + address, a));
            });
        }
        List<Access> denied = new ArrayList<>();
        List<Access> needed = RequiredAccess.of(canary, receivers, queried, s.fromCluster());
        for (Access a : needed) {
            String key = String.join("|", a.group(), a.resource(), a.verb(), a.namespace());
            if (!reviewed.computeIfAbsent(key, k -> reviews.allowed(a))) denied.add(a);
        }
        if (denied.isEmpty()) {
            out.add(Finding.pass(subject, "RBAC: all " + needed.size() + " permissions granted"));
        }
        for (Access a : denied) {
            String role = a.namespace().isEmpty() ? "the ClusterRole bound to flagstep's group"
                    : "the Role bound to flagstep's group in namespace " + a.namespace();
            out.add(Finding.fail(subject, "RBAC: cannot " + a.shown() + " (" + a.why() + ")",
                    "add this rule to " + role + " (docs/routers.md):\n" + a.rule()));
        }
    }

    /** Where the canary's metrics are read: the builtin checks' server and each template's provider address. */
    private List<URI> metricsAddresses(CanaryDocument document) {
        CanarySpec canary = document.canary();
        List<URI> out = new ArrayList<>();
        List<MetricCheck> checks = canary.analysis().map(a -> a.metrics()).orElse(List.of());
        if (checks.stream().anyMatch(m -> m.templateRef().isEmpty())) {
            canary.metricsServer().filter(u -> !u.isBlank()).map(URI::create).or(() -> defaultMetricsServer)
                    .ifPresent(out::add);
        }
        for (MetricTemplate t : document.metricTemplates()) {
            t.provider().address().map(URI::create).filter(u -> !out.contains(u)).ifPresent(out::add);
        }
        return out;
    }
}

package dev.flagstep.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.ResourceKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Lists Canaries, MetricTemplates and AlertProviders in the watched namespaces (one cluster-wide list per kind
 * when all namespaces are watched), in pages. A scope is complete only when its three lists succeeded; the
 * objects of an incomplete scope are dropped, so nothing of it is changed or deleted in this pass.
 */
public final class ClusterLister {

    static final List<ResourceKind> KINDS =
            List.of(ResourceKind.CANARY, ResourceKind.METRIC_TEMPLATE, ResourceKind.ALERT_PROVIDER);

    private final KubeClient kube;

    public ClusterLister(KubeClient kube) {
        this.kube = kube;
    }

    public ClusterInventory list(WatchNamespaces watch) {
        List<ObjectNode> canaries = new ArrayList<>();
        List<ObjectNode> templates = new ArrayList<>();
        List<ObjectNode> providers = new ArrayList<>();
        Set<String> complete = new HashSet<>();
        boolean everywhere = false;
        List<String> failures = new ArrayList<>();
        for (Optional<String> scope : watch.scopes()) {
            List<List<ObjectNode>> lists = new ArrayList<>();
            try {
                for (ResourceKind kind : KINDS) {
                    lists.add(kube.list(kind, scope));
                }
            } catch (KubeException e) {
                failures.add(e.getMessage());
                continue;
            }
            canaries.addAll(lists.get(0));
            templates.addAll(lists.get(1));
            providers.addAll(lists.get(2));
            if (scope.isEmpty()) {
                everywhere = true;
            } else {
                complete.add(scope.get());
            }
        }
        return new ClusterInventory(canaries, templates, providers, everywhere, complete, failures);
    }
}

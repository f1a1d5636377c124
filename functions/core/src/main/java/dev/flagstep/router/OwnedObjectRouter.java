package dev.flagstep.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.Routes;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.Optional;

/**
 * The shape shared by routers whose weights live in one object that flagstep generates and owns
 * (HTTPRoute, VirtualService, TrafficSplit): create it if absent, else take its spec over while keeping the
 * weights it holds (a reconcile in the middle of a rollout must not reset traffic), and patch weights in place.
 * The object is named {@code {apex}} in the canary's namespace (no namespace for a cluster-scoped kind).
 */
abstract class OwnedObjectRouter {

    final KubeClient kube;
    final CanarySpec canary;
    private final ResourceKind kind;

    /** @param expectedKind the Kubernetes kind this router writes; {@code kind} must be a version of it */
    OwnedObjectRouter(KubeClient kube, CanarySpec canary, ResourceKind kind, String expectedKind) {
        if (!kind.kind().equals(expectedKind)) {
            throw new IllegalArgumentException("not a " + expectedKind + " kind: " + kind);
        }
        this.kube = kube;
        this.canary = canary;
        this.kind = kind;
    }

    final KubeRef ref() {
        return kind.ref(namespace(), RouterObjects.apex(canary));
    }

    private String namespace() {
        return kind.clusterScoped() ? "" : RouterObjects.namespace(canary);
    }

    /** Fills {@code spec} as Flagger would create it, weights 100/0. */
    abstract void writeSpec(ObjectNode spec);

    /** Fields beside {@code spec} that are set when the object is created only (Kuma's {@code mesh}). */
    void writeOnCreate(ObjectNode object) {
    }

    /** Metadata of the object's own, set on create and on every reconcile (the apex's for Kuma). */
    void writeMetadata(ObjectNode object) {
    }

    /** The whole object as Flagger would create it: ours (generated metadata) with {@link #writeSpec}'s spec. */
    private ObjectNode desired() {
        ObjectNode o = RouterObjects.generated(kind, RouterObjects.apex(canary), namespace());
        writeSpec(o.putObject("spec"));
        writeOnCreate(o);
        writeMetadata(o);
        return o;
    }

    /** The weights in an object of ours, empty when it has no primary/canary backends. */
    abstract Optional<Routes> read(ObjectNode object);

    /** Sets the weights (and mirroring) on an object of ours. */
    abstract void write(ObjectNode object, Routes routes);

    void reconcileOwned() {
        ObjectNode desired = desired();
        if (kube.createIfAbsent(ref().kind(), desired).isPresent()) return;
        kube.edit(ref(), o -> {
            Routes keep = read(o).orElse(Routes.allPrimary());
            o.set("spec", desired.get("spec").deepCopy());
            RouterObjects.markGenerated(o);
            writeMetadata(o);
            write(o, keep);
        });
    }

    Routes readRequired(ObjectNode o) {
        return read(o).orElseThrow(() -> new RouterException(ref() + " has no routes for " + RouterObjects.primary(canary)
                + " and " + RouterObjects.canary(canary) + ": run Initialize to reconcile it"));
    }

    /** {@link TrafficRouter#reconcile()}: {@link #reconcileOwned()}. */
    public void reconcile() {
        reconcileOwned();
    }

    /** {@link TrafficRouter#getRoutes()}: the weights in the object, which must hold routes. */
    public Routes getRoutes() {
        return readRequired(kube.require(ref()));
    }

    /** {@link TrafficRouter#setRoutes(Routes)}: patches the weights (and mirroring) on the object, which must hold routes. */
    public void setRoutes(Routes routes) {
        kube.edit(ref(), o -> {
            readRequired(o);
            write(o, routes);
        });
    }
}

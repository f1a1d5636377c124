package dev.flagstep.kubernetes;

import java.util.Objects;

/**
 * One object: kind, namespace (empty for a cluster-scoped kind) and name. {@link #toString()} reads as users know
 * it: {@code HTTPRoute test/podinfo}, {@code TrafficRoute podinfo}.
 */
public record KubeRef(ResourceKind kind, String namespace, String name) {

    public KubeRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    public String path() {
        return kind.objectPath(namespace, name);
    }

    @Override
    public String toString() {
        return kind.kind() + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}

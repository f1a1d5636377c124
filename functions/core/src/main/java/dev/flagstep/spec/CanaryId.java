package dev.flagstep.spec;

/** A canary's identity: Kubernetes namespace and name. */
public record CanaryId(String namespace, String name) {

    /** Flagger's way of naming a canary in events: {@code podinfo.test}. */
    public String dotted() {
        return name + "." + namespace;
    }

    /** {@code test/podinfo}, as kubectl and our API paths name it. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}

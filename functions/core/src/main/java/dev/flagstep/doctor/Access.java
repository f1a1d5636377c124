package dev.flagstep.doctor;

/**
 * One Kubernetes permission flagstep needs: a verb on a resource (with its subresource, e.g. {@code services/proxy})
 * of an API group, in a namespace ({@code ""} for cluster-wide), and why.
 */
public record Access(String group, String resource, String verb, String namespace, String why) {

    /** The Role rule that grants it, as it goes under {@code rules:}. */
    public String rule() {
        return "- apiGroups: [\"" + group + "\"]\n  resources: [\"" + resource + "\"]\n  verbs: [\"" + verb + "\"]";
    }

    /** {@code patch deployments.apps in namespace test}, as kubectl auth can-i words it. */
    public String shown() {
        return verb + " " + resource + (group.isEmpty() ? "" : "." + group)
                + (namespace.isEmpty() ? " cluster-wide" : " in namespace " + namespace);
    }
}

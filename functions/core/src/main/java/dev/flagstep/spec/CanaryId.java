package dev.flagstep.spec;

import java.util.regex.Pattern;

/**
 * A canary's identity: Kubernetes namespace and name. The name rules are here, once: every caller
 * that takes a namespace or name from outside (documents, API paths, webhook payloads) checks it with
 * {@link #isNamespace} and {@link #isName} and words its own error for its own field.
 */
public record CanaryId(String namespace, String name) {

    /** Longest namespace: an RFC 1123 label. */
    public static final int MAX_NAMESPACE = 63;
    /** Longest object name: an RFC 1123 subdomain. */
    public static final int MAX_NAME = 253;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    /**
     * A Kubernetes namespace (RFC 1123 label): lower-case letters, digits and '-', starting and ending
     * with a letter or digit, at most 63 characters. False for null.
     */
    public static boolean isNamespace(String namespace) {
        return namespace != null && namespace.length() <= MAX_NAMESPACE && LABEL.matcher(namespace).matches();
    }

    /**
     * A Kubernetes object name (RFC 1123 subdomain): lower-case letters, digits, '-' and '.', starting
     * and ending with a letter or digit, at most 253 characters. False for null.
     */
    public static boolean isName(String name) {
        return name != null && name.length() <= MAX_NAME && SUBDOMAIN.matcher(name).matches();
    }

    /** Both parts follow the rules: a canary Kubernetes could hold. */
    public boolean valid() {
        return isNamespace(namespace) && isName(name);
    }

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

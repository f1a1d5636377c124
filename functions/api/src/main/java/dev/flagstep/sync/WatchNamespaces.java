package dev.flagstep.sync;

import dev.flagstep.spec.CanaryId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The namespaces whose {@code Canary}, {@code MetricTemplate} and {@code AlertProvider} objects are flagstep's
 * canaries: setting {@value #VARIABLE} (stack parameter {@code WatchNamespaces}), a comma list; empty means all
 * namespaces, listed through the cluster-wide path, as Flagger's {@code -namespace ""}.
 *
 * @param namespaces the listed namespaces, in the order given, without repeats; empty: all
 */
public record WatchNamespaces(List<String> namespaces) {

    public static final String VARIABLE = "FLAGSTEP_WATCH_NAMESPACES";

    public WatchNamespaces {
        namespaces = List.copyOf(namespaces);
        for (String ns : namespaces) {
            if (!CanaryId.isNamespace(ns)) {
                throw new IllegalArgumentException("'" + ns
                        + "' is not a Kubernetes namespace (lowercase letters, digits and '-')");
            }
        }
    }

    public static WatchNamespaces all() {
        return new WatchNamespaces(List.of());
    }

    /** Reads {@code "a, b,,c"} as a, b, c; blank or absent as all namespaces. */
    public static WatchNamespaces parse(String commaList) {
        return new WatchNamespaces(Arrays.stream(commaList == null ? new String[0] : commaList.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).distinct().toList());
    }

    /** As {@link #parse}, an error naming the variable (the command line names its option instead). */
    public static WatchNamespaces fromEnvironment(Map<String, String> env) {
        try {
            return parse(env.getOrDefault(VARIABLE, ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(VARIABLE + ": " + e.getMessage(), e);
        }
    }

    public boolean allNamespaces() {
        return namespaces.isEmpty();
    }

    /** Whether objects of this namespace are in scope. */
    public boolean watches(String namespace) {
        return allNamespaces() || namespaces.contains(namespace);
    }

    /** What one pass lists: one scope per namespace, or the single cluster-wide scope (empty). */
    public List<Optional<String>> scopes() {
        return allNamespaces() ? List.of(Optional.empty()) : namespaces.stream().map(Optional::of).toList();
    }

    @Override
    public String toString() {
        return allNamespaces() ? "all namespaces" : String.join(",", namespaces);
    }
}

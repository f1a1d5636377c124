package dev.flagstep.local.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A resource path of the Kubernetes API: {@code /api/v1/...} or {@code /apis/{group}/{version}/...}, then
 * {@code [namespaces/{ns}/]{plural}[/{name}[/{subresource}]]}. {@code /api/v1/namespaces/{name}} is the Namespace
 * object itself.
 */
record ApiPath(String group, String version, Optional<String> namespace, String plural, Optional<String> name,
        Optional<String> subresource) {

    static Optional<ApiPath> parse(String rawPath) {
        List<String> s = Arrays.stream(rawPath.split("/")).filter(p -> !p.isEmpty()).toList();
        int at;
        String group;
        if (s.size() >= 3 && s.get(0).equals("api")) {
            group = "";
            at = 1;
        } else if (s.size() >= 4 && s.get(0).equals("apis")) {
            group = s.get(1);
            at = 2;
        } else {
            return Optional.empty();
        }
        String version = s.get(at);
        List<String> rest = s.subList(at + 1, s.size());
        Optional<String> namespace = Optional.empty();
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            namespace = Optional.of(rest.get(1));
            rest = rest.subList(2, rest.size());
        }
        if (rest.isEmpty() || rest.size() > 3) return Optional.empty();
        return Optional.of(new ApiPath(group, version, namespace, rest.get(0),
                rest.size() > 1 ? Optional.of(rest.get(1)) : Optional.empty(),
                rest.size() > 2 ? Optional.of(rest.get(2)) : Optional.empty()));
    }

    /** A collection (list or watch), not one object. */
    boolean collection() {
        return name.isEmpty();
    }

    boolean status() {
        return subresource.filter("status"::equals).isPresent();
    }

    /** The path of the object itself (no subresource). */
    String objectPath() {
        return root() + namespace.map(n -> "/namespaces/" + n).orElse("") + "/" + plural + name.map(n -> "/" + n).orElse("");
    }

    private String root() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }
}

package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Just enough of {@code /openapi/v3} for {@code kubectl apply}'s default validation: the index of group versions and,
 * per group version, each resource's PATCH operation declaring the {@code fieldValidation} parameter. kubectl then
 * leaves validation to the server (it sends {@code fieldValidation=Strict}) instead of failing to download schemas.
 * The simulated server validates nothing: {@code flagstep validate} and the sync's Stalled condition report a bad
 * spec. No schemas are served, so kubectl explain has nothing to show.
 */
final class OpenApiV3 {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "/openapi/v3";

    private final ServedResources resources;

    OpenApiV3(ServedResources resources) {
        this.resources = resources;
    }

    Optional<String> answer(String path) {
        if (path.equals(PREFIX) || path.equals(PREFIX + "/")) return Optional.of(index());
        if (!path.startsWith(PREFIX + "/")) return Optional.empty();
        String gv = path.substring(PREFIX.length() + 1);
        List<ServedResources.Resource> in = resources.all().stream().filter(r -> relative(r).equals(gv)).toList();
        return in.isEmpty() ? Optional.empty() : Optional.of(document(in));
    }

    private String index() {
        Set<String> gvs = new LinkedHashSet<>();
        resources.all().forEach(r -> gvs.add(relative(r)));
        ObjectNode o = JSON.createObjectNode();
        ObjectNode paths = o.putObject("paths");
        for (String gv : gvs) paths.putObject(gv).put("serverRelativeURL", PREFIX + "/" + gv);
        return o.toString();
    }

    private static String document(List<ServedResources.Resource> in) {
        ObjectNode o = JSON.createObjectNode().put("openapi", "3.0.0");
        o.putObject("info").put("title", "flagstep simulated cluster").put("version", "v1");
        ObjectNode paths = o.putObject("paths");
        for (ServedResources.Resource r : in) {
            String root = r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + r.group() + "/" + r.version();
            String path = root + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural() + "/{name}";
            ObjectNode patch = paths.putObject(path).putObject("patch");
            patch.putObject("x-kubernetes-group-version-kind").put("group", r.group()).put("version", r.version())
                    .put("kind", r.kind());
            patch.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
                    .putObject("schema").put("type", "string");
            patch.putObject("responses").putObject("200").put("description", "OK");
        }
        return o.toString();
    }

    /** The group version as the index names it: {@code api/v1}, {@code apis/flagger.app/v1beta1}. */
    private static String relative(ServedResources.Resource r) {
        return r.group().isEmpty() ? "api/" + r.version() : "apis/" + r.group() + "/" + r.version();
    }
}

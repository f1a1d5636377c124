package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API server's legacy discovery documents, which kubectl reads to map {@code canaries} to a path:
 * {@code /api} (APIVersions), {@code /apis} (APIGroupList), {@code /api/v1} and {@code /apis/{group}/{version}}
 * (APIResourceList), and {@code /version}. Aggregated discovery is not offered: clients fall back to these. The mock
 * itself answers these paths with a list of everything it stores.
 */
final class Discovery {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");

    private final ServedResources resources;

    Discovery(ServedResources resources) {
        this.resources = resources;
    }

    /** The document at {@code path}, if it is a discovery path. */
    Optional<String> answer(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/api")) return Optional.of(apiVersions());
        if (p.equals("/apis")) return Optional.of(groups());
        if (p.equals("/version")) return Optional.of(version());
        String[] s = p.split("/");
        if (s.length == 3 && s[1].equals("api")) return resourceList("", s[2]);
        if (s.length == 4 && s[1].equals("apis")) return resourceList(s[2], s[3]);
        return Optional.empty();
    }

    private static String apiVersions() {
        ObjectNode o = JSON.createObjectNode().put("kind", "APIVersions");
        o.putArray("versions").add("v1");
        o.putArray("serverAddressByClientCIDRs");
        return o.toString();
    }

    private String groups() {
        Map<String, Set<String>> versions = new LinkedHashMap<>();
        for (ServedResources.Resource r : resources.all()) {
            if (!r.group().isEmpty()) versions.computeIfAbsent(r.group(), g -> new LinkedHashSet<>()).add(r.version());
        }
        ObjectNode o = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = o.putArray("groups");
        versions.forEach((group, vs) -> {
            ObjectNode g = groups.addObject().put("name", group);
            ArrayNode list = g.putArray("versions");
            for (String v : vs) list.addObject().put("groupVersion", group + "/" + v).put("version", v);
            String preferred = vs.iterator().next();
            g.putObject("preferredVersion").put("groupVersion", group + "/" + preferred).put("version", preferred);
        });
        return o.toString();
    }

    private Optional<String> resourceList(String group, String version) {
        List<ServedResources.Resource> in = resources.all().stream()
                .filter(r -> r.group().equals(group) && r.version().equals(version)).toList();
        if (in.isEmpty()) return Optional.empty();
        ObjectNode o = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode list = o.putArray("resources");
        for (ServedResources.Resource r : in) {
            ObjectNode res = list.addObject().put("name", r.plural()).put("singularName", r.singular())
                    .put("namespaced", r.namespaced()).put("kind", r.kind());
            VERBS.forEach(res.putArray("verbs")::add);
            if (!r.categories().isEmpty()) r.categories().forEach(res.putArray("categories")::add);
            if (!r.shortNames().isEmpty()) r.shortNames().forEach(res.putArray("shortNames")::add);
            if (r.statusSubresource()) {
                ObjectNode status = list.addObject().put("name", r.plural() + "/status").put("singularName", "")
                        .put("namespaced", r.namespaced()).put("kind", r.kind());
                List.of("get", "patch", "update").forEach(status.putArray("verbs")::add);
            }
        }
        return Optional.of(o.toString());
    }

    private static String version() {
        return JSON.createObjectNode().put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-flagstep-simulated")
                .put("platform", "linux/amd64").toString();
    }
}

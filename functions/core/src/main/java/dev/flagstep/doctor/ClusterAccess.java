package dev.flagstep.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.kubernetes.EksApi;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EKS side of access: the cluster's authentication mode admits access entries, and every role that calls the
 * API server has one with flagstep's Kubernetes group (what template.yaml creates with ManageEksAccessEntries, or
 * what docs/routers.md asks for). The rules are pure; {@link #check} reads them with DescribeCluster and
 * DescribeAccessEntry.
 */
public final class ClusterAccess {

    /** The group docs/routers.md binds to flagstep's RBAC. */
    public static final String GROUP = "flagstep-canaries";
    static final String SUBJECT = "eks access";

    private ClusterAccess() {
    }

    public static List<Finding> check(EksApi eks, String cluster, List<String> roleArns) {
        String path = "/clusters/" + URLEncoder.encode(cluster, StandardCharsets.UTF_8);
        String mode = eks.get(path, "eks:DescribeCluster " + cluster, "(grant eks:DescribeCluster)")
                .map(d -> d.path("cluster").path("accessConfig").path("authenticationMode").asText("CONFIG_MAP"))
                .orElse("");
        Map<String, Optional<List<String>>> entries = new LinkedHashMap<>();
        if (!mode.isEmpty() && !mode.equals("CONFIG_MAP")) {
            for (String role : roleArns) {
                entries.put(role, eks.get(path + "/access-entries/" + URLEncoder.encode(role, StandardCharsets.UTF_8),
                                "eks:DescribeAccessEntry " + role, "(grant eks:DescribeAccessEntry)")
                        .map(e -> groups(e.path("accessEntry").path("kubernetesGroups"))));
            }
        }
        return findings(cluster, mode, entries);
    }

    /**
     * @param mode    the cluster's {@code accessConfig.authenticationMode}, {@code ""} when there is no such cluster
     * @param entries each role's access entry groups, empty when it has no entry
     */
    static List<Finding> findings(String cluster, String mode, Map<String, Optional<List<String>>> entries) {
        List<Finding> out = new ArrayList<>();
        if (mode.isEmpty()) {
            out.add(Finding.fail(SUBJECT, "no EKS cluster " + cluster + " in this account and region",
                    "deploy with ClusterName set to the cluster's name: sam deploy --parameter-overrides ClusterName=NAME"));
            return out;
        }
        if (mode.equals("CONFIG_MAP")) {
            out.add(Finding.warn(SUBJECT, "cluster " + cluster + " authenticates with the aws-auth ConfigMap only, so access"
                            + " entries cannot be checked (the RBAC checks below still tell what flagstep may do)",
                    "aws eks update-cluster-config --name " + cluster + " --access-config authenticationMode=API_AND_CONFIG_MAP"));
            return out;
        }
        int good = 0;
        for (var e : entries.entrySet()) {
            String role = e.getKey();
            if (e.getValue().isEmpty()) {
                out.add(Finding.fail(SUBJECT, "role " + role + " has no access entry on cluster " + cluster
                                + ": the API server refuses its calls",
                        "aws eks create-access-entry --cluster-name " + cluster + " --principal-arn " + role
                                + " --kubernetes-groups " + GROUP));
            } else if (!e.getValue().get().contains(GROUP)) {
                out.add(Finding.fail(SUBJECT, "role " + role + " is in Kubernetes groups " + e.getValue().get() + ", not "
                                + GROUP + ", which flagstep's RBAC binds",
                        "aws eks update-access-entry --cluster-name " + cluster + " --principal-arn " + role
                                + " --kubernetes-groups " + GROUP));
            } else {
                good++;
            }
        }
        if (good > 0) {
            out.add(Finding.pass(SUBJECT, good + " of " + entries.size() + " roles have an access entry in group " + GROUP
                    + " (authentication mode " + mode + ")"));
        }
        return out;
    }

    private static List<String> groups(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(g -> out.add(g.asText()));
        return out;
    }
}

package dev.flagstep.spec;

import java.util.Optional;

/**
 * How a {@code spec.provider} string names a router, shared by the validator and the router factory so both read
 * it the same way: Flagger's {@code smi:{version}:{mesh}} form, and the names refused with a reason of their own.
 */
public final class ProviderNames {

    /** AWS ended App Mesh support; Flagger matches {@code appmesh} and any {@code appmesh:*} by prefix. */
    public static final String APP_MESH_ENDED = "App Mesh reached end of support on 2026-09-30 and flagstep does not"
            + " support it; move to Amazon VPC Lattice with the AWS Gateway API Controller and use provider"
            + " \"gatewayapi:v1\" (or \"alb\" for ingress traffic)";

    /**
     * Not in Flagger's CRD enum, and Flagger's router factory would silently route it with Istio: name the
     * TrafficSplit version instead of guessing one.
     */
    public static final String PLAIN_SMI = "\"smi\" names no SMI version (Flagger's CRD refuses it and Flagger would"
            + " route it with Istio); use \"smi:v1alpha1\", \"smi:v1alpha2\" or \"smi:v1alpha3\" (linkerd's TrafficSplit"
            + " is \"linkerd\", OSM's is \"osm\")";

    private ProviderNames() {
    }

    /** The router name: {@code smi:v1alpha3:linkerd} is {@code smi:v1alpha3} (the mesh suffix only names the mesh). */
    public static String router(String provider) {
        String p = provider.strip();
        int mesh = p.startsWith("smi:") ? p.indexOf(':', 4) : -1;
        return mesh > 0 ? p.substring(0, mesh) : p;
    }

    /** Why this provider is refused whatever flagstep implements, if it is. */
    public static Optional<String> refusal(String provider) {
        String p = provider.strip();
        if (p.equals("appmesh") || p.startsWith("appmesh:")) return Optional.of(APP_MESH_ENDED);
        if (p.equals("smi")) return Optional.of(PLAIN_SMI);
        return Optional.empty();
    }
}

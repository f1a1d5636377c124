package dev.flagstep.router;

import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;

import java.util.List;

/** Chooses the router for a provider string ({@code spec.provider}, Flagger's names). */
public final class TrafficRouters {

    /** Every provider string flagstep accepts. */
    public static final List<String> PROVIDERS = List.of(
            "gatewayapi", "gatewayapi:v1", "gatewayapi:v1beta1", "istio", "nginx", "alb",
            "smi:v1alpha2", "smi:v1alpha3", "osm", "kubernetes",
            "contour",
            "traefik",
            "skipper",
            "gloo",
            "apisix");

    private TrafficRouters() {
    }

    /**
     * @throws IllegalArgumentException for a provider flagstep does not support (Flagger would silently use
     *                                  istio; a typo here must not route nothing)
     */
    public static TrafficRouter forProvider(String provider, CanarySpec canary, KubeClient kube) {
        String p = provider.strip();
        // Flagger's smi:{version}:{mesh} form: the mesh suffix only names the mesh
        if (p.startsWith("smi:") && p.indexOf(':', 4) > 0) p = p.substring(0, p.indexOf(':', 4));
        return switch (p) {
            case "gatewayapi", "gatewayapi:v1" -> new GatewayApiRouter(kube, canary, ResourceKind.HTTP_ROUTE);
            case "gatewayapi:v1beta1" -> new GatewayApiRouter(kube, canary, ResourceKind.HTTP_ROUTE_V1BETA1);
            case "istio" -> new IstioRouter(kube, canary);
            case "nginx" -> new NginxRouter(kube, canary);
            case "alb" -> new AlbRouter(kube, canary);
            case "smi:v1alpha2", "osm" -> new SmiRouter(kube, canary, ResourceKind.TRAFFIC_SPLIT_V1ALPHA2);
            case "smi:v1alpha3" -> new SmiRouter(kube, canary, ResourceKind.TRAFFIC_SPLIT_V1ALPHA3);
            case "contour" -> new ContourRouter(kube, canary);
            case "traefik" -> new TraefikRouter(kube, canary);
            case "skipper" -> new SkipperRouter(kube, canary);
            case "gloo" -> new GlooRouter(kube, canary);
            case "apisix" -> new ApisixRouter(kube, canary);
            case "kubernetes" -> new NopRouter();
            default -> throw new IllegalArgumentException("provider '" + provider + "' is not supported; use one of "
                    + String.join(", ", PROVIDERS));
        };
    }
}

package dev.flagstep.router;

import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SpecValidator;
import dev.flagstep.spec.ProviderNames;


/** Chooses the router for a provider string ({@code spec.provider}, Flagger's names). */
public final class TrafficRouters {

    private TrafficRouters() {
    }

    /**
     * @throws IllegalArgumentException for a provider flagstep does not support (Flagger would silently use
     *                                  istio; a typo here must not route nothing)
     */
    public static TrafficRouter forProvider(String provider, CanarySpec canary, KubeClient kube) {
        // a stored document validated before a refusal existed still gets the reason
        ProviderNames.refusal(provider).ifPresent(why -> {
            throw new IllegalArgumentException("provider '" + provider + "': " + why);
        });
        return switch (ProviderNames.router(provider)) {
            case "gatewayapi", "gatewayapi:v1" -> new GatewayApiRouter(kube, canary, ResourceKind.HTTP_ROUTE);
            case "gatewayapi:v1beta1" -> new GatewayApiRouter(kube, canary, ResourceKind.HTTP_ROUTE_V1BETA1);
            case "istio" -> new IstioRouter(kube, canary);
            case "nginx" -> new NginxRouter(kube, canary);
            case "alb" -> new AlbRouter(kube, canary);
            // Flagger's linkerd provider writes an SMI v1alpha1 TrafficSplit (Linkerd's SMI extension serves it)
            case "linkerd",
                 "smi:v1alpha1" -> new SmiRouter(kube, canary, ResourceKind.TRAFFIC_SPLIT_V1ALPHA1);
            case "smi:v1alpha2",
                 "osm" -> new SmiRouter(kube, canary, ResourceKind.TRAFFIC_SPLIT_V1ALPHA2);
            case "smi:v1alpha3" -> new SmiRouter(kube, canary, ResourceKind.TRAFFIC_SPLIT_V1ALPHA3);
            case "kuma" -> new KumaRouter(kube, canary);
            case "contour" -> new ContourRouter(kube, canary);
            case "traefik" -> new TraefikRouter(kube, canary);
            case "skipper" -> new SkipperRouter(kube, canary);
            case "gloo" -> new GlooRouter(kube, canary);
            case "apisix" -> new ApisixRouter(kube, canary);
            case "knative" -> new KnativeRouter(kube, canary);
            case "kubernetes" -> new NopRouter();
            default -> throw new IllegalArgumentException("provider '" + provider + "' is not supported; use one of "
                    + String.join(", ", SpecValidator.SUPPORTED_PROVIDERS));
        };
    }
}

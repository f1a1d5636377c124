package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.ResourceKind;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What one Service sends traffic to, recorded after every pass of the simulated controllers: its selector and
 * how many ready and not-ready pods its Endpoints list, read over the cluster's API (past the pause switch, so
 * sampling goes on while flagstep's access is cut). Endpoints only change in
 * those passes, so the samples are their whole history while sampling: "never zero ready pods" is a claim
 * about every moment, not about the moments someone happened to look.
 */
public final class EndpointsSampler implements AutoCloseable {

    /**
     * One pass's view.
     *
     * @param selector the Service's selector as {@code key=value,...}; empty when the Service does not exist
     * @param ready    pods the Endpoints list as ready (0 when the Service or its Endpoints do not exist)
     */
    public record Sample(Instant at, String selector, int ready, int notReady) {

        public boolean serviceExists() {
            return !selector.isEmpty();
        }

        @Override
        public String toString() {
            return at + " " + (serviceExists() ? selector + " -> " + ready + " ready, " + notReady + " not ready" : "no service");
        }
    }

    private final KubeClient kube;
    private final String namespace;
    private final String service;
    private final Clock clock;
    private final Consumer<Runnable> unregister;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Runnable observer = this::sample;

    EndpointsSampler(KubeClient kube, String namespace, String service, Clock clock, Consumer<Runnable> register,
            Consumer<Runnable> unregister) {
        this.kube = kube;
        this.namespace = namespace;
        this.service = service;
        this.clock = clock;
        this.unregister = unregister;
        register.accept(observer);
    }

    /** Every sample so far, oldest first. */
    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The samples in which the Service existed and selected no ready pod: an outage behind it. */
    public List<Sample> outages() {
        return samples.stream().filter(s -> s.serviceExists() && s.ready() == 0).toList();
    }

    private void sample() {
        try {
            Optional<JsonNode> svc = kube.get(ResourceKind.SERVICE.ref(namespace, service)).map(JsonNode.class::cast);
            Optional<JsonNode> ep = kube.get(Endpoints.KIND.ref(namespace, service)).map(JsonNode.class::cast);
            String selector = svc.map(s -> selector(s.path("spec").path("selector"))).orElse("");
            samples.add(new Sample(clock.instant(), selector, ep.map(Endpoints::ready).orElse(0),
                    ep.map(Endpoints::notReady).orElse(0)));
        } catch (KubeException unreachable) {
            // the mock answering badly: this pass is missing from the history (the controllers' writes likely failed too)
        }
    }

    private static String selector(JsonNode selector) {
        StringBuilder b = new StringBuilder();
        selector.properties().forEach(e -> b.append(b.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asText()));
        return b.isEmpty() ? "{}" : b.toString();
    }

    /** Stops sampling; the samples stay readable. */
    @Override
    public void close() {
        unregister.accept(observer);
    }
}

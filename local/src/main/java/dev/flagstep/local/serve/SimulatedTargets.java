package dev.flagstep.local.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.api.HttpRequest;
import dev.flagstep.api.HttpResponse;
import dev.flagstep.local.sim.SimulatedCluster;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.SpecStore;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code flagstep serve --simulate}: the API as served, plus what a user would do on a real cluster,
 * done on the simulated one, so a rollout can be tried with nothing but curl:
 * <ul>
 *   <li>after a successful {@code PUT /canaries/{ns}/{name}}, the canary's target is seeded (its
 *       Deployment with image {@value #REPOSITORY}:{@value #FIRST_TAG}, its Ingress or Gateways);
 *       objects that exist are left as they are;</li>
 *   <li>before {@code POST /canaries/{ns}/{name}/rollouts}, the requested revision is deployed to the
 *       target, as {@code kubectl set image} would be: a revision that looks like an image reference
 *       (has {@code :}, {@code @} or {@code /}) is the image, any other is a tag of {@value #REPOSITORY}.
 *       So revision {@value #FIRST_TAG} is Flagger's first pass (primary created, nothing to analyse)
 *       and any other tag then rolls out.</li>
 * </ul>
 * Everything else passes through untouched. If the simulated cluster refuses (a target that is not a
 * Deployment), the API's answer still stands, with a {@code Warning} header saying why.
 */
public final class SimulatedTargets implements Function<HttpRequest, HttpResponse> {

    public static final String REPOSITORY = "ghcr.io/stefanprodan/podinfo";
    public static final String FIRST_TAG = "6.7.0";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<HttpRequest, HttpResponse> api;
    private final SimulatedCluster sim;
    private final SpecStore store;
    private final String defaultProvider;
    private final SpecParser parser = new SpecParser();

    public SimulatedTargets(Function<HttpRequest, HttpResponse> api, SimulatedCluster sim, SpecStore store,
            String defaultProvider) {
        this.api = api;
        this.sim = sim;
        this.store = store;
        this.defaultProvider = defaultProvider;
    }

    @Override
    public HttpResponse apply(HttpRequest req) {
        List<String> s = Arrays.stream(req.path().split("/")).filter(x -> !x.isEmpty()).toList();
        boolean canaryPath = s.size() >= 3 && s.get(0).equals("canaries");
        if (canaryPath && s.size() == 3 && req.method().equals("PUT")) {
            HttpResponse response = api.apply(req);
            if (response.status() / 100 != 2) {
                return response;
            }
            String warning = attempt(() -> canary(s.get(1), s.get(2))
                    .ifPresent(c -> sim.seed(c, REPOSITORY + ":" + FIRST_TAG, defaultProvider)));
            return warning.isEmpty() ? response : response.withHeader("Warning", warning);
        }
        if (canaryPath && s.size() == 4 && s.get(3).equals("rollouts") && req.method().equals("POST")) {
            Optional<String> revision = revision(req);
            Optional<CanarySpec> canary = revision.flatMap(r -> canary(s.get(1), s.get(2)));
            if (canary.isPresent()) {
                String warning = attempt(() -> deploy(canary.get(), image(revision.get())));
                HttpResponse response = api.apply(req);
                return warning.isEmpty() ? response : response.withHeader("Warning", warning);
            }
        }
        return api.apply(req);
    }

    /** The image a revision stands for on the simulated cluster. */
    static String image(String revision) {
        boolean reference = revision.contains(":") || revision.contains("@") || revision.contains("/");
        return reference ? revision : REPOSITORY + ":" + revision;
    }

    private void deploy(CanarySpec canary, String image) {
        Optional<String> current = sim.targetImage(canary);
        if (current.isEmpty()) {
            sim.seed(canary, image, defaultProvider); // the target was deleted, or the PUT predates this server
        } else if (!current.get().equals(image)) {
            sim.newRevision(canary, image);
        }
    }

    /** The stored document (the API validated it when it was PUT). */
    private Optional<CanarySpec> canary(String namespace, String name) {
        try {
            CanaryId id = new CanaryId(namespace, name);
            return store.spec(id).flatMap(spec -> switch (parser.parse(spec.source(), id)) {
                case SpecResult.Valid v -> Optional.of(v.document().canary());
                case SpecResult.Invalid i -> Optional.<CanarySpec>empty();
            });
        } catch (RuntimeException e) {
            return Optional.empty(); // not a canary id at all: the API answers that
        }
    }

    /** The body's revision, leniently: a body the API will refuse needs no deploying. */
    private static Optional<String> revision(HttpRequest req) {
        try {
            JsonNode body = JSON.readTree(req.body());
            return Optional.ofNullable(body).map(b -> b.path("revision")).filter(JsonNode::isTextual)
                    .map(JsonNode::asText).filter(r -> !r.isBlank());
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /** Runs an action on the simulated cluster; empty if it worked, else an RFC 9110 warning value. */
    private static String attempt(Runnable action) {
        try {
            action.run();
            return "";
        } catch (RuntimeException e) {
            return "299 flagstep \"simulated cluster: " + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()).replace('"', '\'') + "\"";
        }
    }
}

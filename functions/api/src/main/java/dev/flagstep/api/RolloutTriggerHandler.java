package dev.flagstep.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.store.CanarySummary;
import dev.flagstep.store.Page;
import dev.flagstep.store.SpecRecord;
import dev.flagstep.store.SpecStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Starts rollouts from EventBridge, the same way {@code POST /canaries/{ns}/{name}/rollouts} does
 * (idempotent per revision; a new revision supersedes a running one):
 * <ul>
 *   <li>{@code Rollout Requested} from source {@code flagstep.trigger} on the flagstep bus, detail
 *       {@code {namespace, name, revision}} — what CI or GitOps tooling puts after applying a change;
 *   <li>{@code ECR Image Action} (PUSH, SUCCESS) from the default bus: every canary annotated with
 *       the pushed repository ({@link ImageRepositories}) rolls out revision = the image digest, so
 *       one image pushed under several tags is one rollout.
 * </ul>
 * An event that cannot start anything (unknown canary, invalid document, missing field) is logged
 * and answered, never thrown: EventBridge retries would not make it valid. Store or Step Functions
 * failures are thrown, so the asynchronous invocation is retried.
 */
public final class RolloutTriggerHandler implements RequestStreamHandler {

    public static final String TRIGGER_SOURCE = "flagstep.trigger";
    public static final String ROLLOUT_REQUESTED = "Rollout Requested";
    public static final String ECR_SOURCE = "aws.ecr";
    public static final String ECR_IMAGE_ACTION = "ECR Image Action";

    /** The AWS actions this function's code calls (checked against template.yaml). */
    public static final Set<String> AWS_ACTIONS = IamActions.TRIGGER;

    private static final Logger LOG = Logger.getLogger(RolloutTriggerHandler.class.getName());
    private static final int PAGE = 100;

    private final ObjectMapper json = new ObjectMapper();
    private final Supplier<SpecStore> store;
    private final Supplier<RolloutStarter> rollouts;
    private final SpecParser parser = new SpecParser();

    /** The Lambda entry point: collaborators from the environment, built on first event. */
    public RolloutTriggerHandler() {
        Supplier<AwsEnvironment> env = Lazy.of(AwsEnvironment::fromSystem);
        this.store = Lazy.of(() -> env.get().specs());
        this.rollouts = Lazy.of(() -> env.get().rolloutStarter(json));
    }

    /** For the local runtime and tests. */
    public RolloutTriggerHandler(SpecStore store, RolloutStarter rollouts) {
        this.store = () -> store;
        this.rollouts = () -> rollouts;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        json.writeValue(output, handle(json.readTree(input)));
    }

    /** Handles one EventBridge event; answers what it started and what it skipped, and why. */
    public ObjectNode handle(JsonNode event) {
        String source = event.path("source").asText();
        String type = event.path("detail-type").asText();
        ObjectNode out = json.createObjectNode();
        ArrayNode started = out.putArray("started");
        ArrayNode skipped = out.putArray("skipped");
        JsonNode detail = event.path("detail");
        if (source.equals(TRIGGER_SOURCE) && type.equals(ROLLOUT_REQUESTED)) {
            rolloutRequested(detail, started, skipped);
        } else if (source.equals(ECR_SOURCE) && type.equals(ECR_IMAGE_ACTION)) {
            imagePushed(detail, started, skipped);
        } else {
            skip(skipped, Optional.empty(), "not an event this handler takes: source " + source + ", detail-type " + type);
        }
        return out;
    }

    private void rolloutRequested(JsonNode detail, ArrayNode started, ArrayNode skipped) {
        String ns = detail.path("namespace").asText("");
        String name = detail.path("name").asText("");
        String revision = detail.path("revision").asText("");
        if (ns.isBlank() || name.isBlank() || revision.isBlank()) {
            skip(skipped, Optional.empty(), "detail needs namespace, name and revision (strings): " + detail);
            return;
        }
        CanaryId id = new CanaryId(ns, name);
        Optional<SpecRecord> spec = store.get().spec(id);
        if (spec.isEmpty()) {
            skip(skipped, Optional.of(id), "no such canary");
            return;
        }
        start(id, spec.get(), revision, detail.path("supersede").asBoolean(true), started, skipped);
    }

    private void imagePushed(JsonNode detail, ArrayNode started, ArrayNode skipped) {
        if (!detail.path("action-type").asText().equals("PUSH") || !detail.path("result").asText().equals("SUCCESS")) {
            skip(skipped, Optional.empty(), "not a successful push");
            return;
        }
        String repository = ImageRepositories.normalise(detail.path("repository-name").asText(""));
        String digest = detail.path("image-digest").asText("");
        if (repository.isEmpty() || digest.isEmpty()) {
            skip(skipped, Optional.empty(), "detail needs repository-name and image-digest");
            return;
        }
        Optional<String> cursor = Optional.empty();
        do {
            Page<CanarySummary> page = store.get().list(Optional.empty(), PAGE, cursor);
            for (CanarySummary s : page.items()) {
                store.get().spec(s.canary())
                        .filter(spec -> ImageRepositories.of(spec.source()).contains(repository))
                        .ifPresent(spec -> start(s.canary(), spec, digest, true, started, skipped));
            }
            cursor = page.next();
        } while (cursor.isPresent());
        if (started.isEmpty() && skipped.isEmpty()) {
            LOG.info(() -> "push to " + repository + ": no canary is annotated " + ImageRepositories.ANNOTATION);
        }
    }

    private void start(CanaryId id, SpecRecord spec, String revision, boolean supersede, ArrayNode started,
            ArrayNode skipped) {
        if (spec.fromCluster()) {
            // its revisions are detected by the sync from the target's pod template, as Flagger does
            skip(skipped, Optional.of(id), "managed by its Canary object in the cluster: revisions are detected, not triggered");
            return;
        }
        CanaryDocument doc;
        switch (parser.parse(spec.source(), id)) {
            case SpecResult.Valid v -> doc = v.document();
            case SpecResult.Invalid i -> {
                skip(skipped, Optional.of(id), "the stored document is invalid: " + i.errors());
                return;
            }
        }
        RolloutStart result = rollouts.get().start(
                new RolloutRequest(id, revision, (int) doc.canary().interval().toSeconds(), supersede));
        ObjectNode o = started.addObject().put("namespace", id.namespace()).put("name", id.name()).put("revision", revision);
        switch (result) {
            case RolloutStart.Started s -> o.put("status", "started").put("executionId", s.executionId());
            case RolloutStart.AlreadyStarted s -> o.put("status", "alreadyStarted").put("executionId", s.executionId());
            case RolloutStart.Conflict c -> o.put("status", "conflict").put("runningRevision", c.runningRevision());
        }
        LOG.info(() -> "rollout " + id + " revision " + revision + ": " + o.path("status").asText());
    }

    private static void skip(ArrayNode skipped, Optional<CanaryId> id, String reason) {
        ObjectNode o = skipped.addObject();
        id.ifPresent(c -> o.put("namespace", c.namespace()).put("name", c.name()));
        o.put("reason", reason);
        LOG.warning(() -> "trigger skipped" + id.map(c -> " " + c).orElse("") + ": " + reason);
    }
}

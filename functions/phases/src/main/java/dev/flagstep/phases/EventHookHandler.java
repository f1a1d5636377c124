package dev.flagstep.phases;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.events.CanaryEventJson;
import dev.flagstep.phases.wiring.LambdaWiring;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.webhook.EventWebhooks;
import dev.flagstep.webhook.HookOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Delivers one canary event (an EventBridge "Canary Event") to the canary's {@code event} webhooks
 * with Flagger's event payload, or to the global {@code EVENT_WEBHOOK_URL} when the canary has none.
 * A failed delivery is reported in the answer and never fails anything else.
 */
public final class EventHookHandler implements RequestStreamHandler {

    private static final SpecParser PARSER = new SpecParser();

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Supplier<Services> services;
    private final Optional<URI> globalUrl;

    public EventHookHandler() {
        this.services = LambdaWiring::services;
        this.globalUrl = EventWebhooks.globalUrl(System.getenv());
        Priming.register();
    }

    public EventHookHandler(Services services, Optional<URI> globalUrl) {
        this.services = () -> services;
        this.globalUrl = globalUrl;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        MAPPER.writeValue(output, handle(MAPPER.readTree(input)));
    }

    /** @param envelope an EventBridge event whose {@code detail} is a canary event */
    public JsonNode handle(JsonNode envelope) {
        CanaryEvent event = CanaryEventJson.fromDetail(envelope.path("detail").toString());
        Services s = services.get();
        var analysis = s.specs().spec(event.canary())
                .map(spec -> PARSER.parse(spec.source(), event.canary()))
                .flatMap(r -> r instanceof SpecResult.Valid v ? v.document().canary().analysis() : Optional.empty());
        var hooks = EventWebhooks.targets(analysis.map(a -> a.hooks(HookType.EVENT)).orElse(List.of()), globalUrl);
        var secret = s.signingSecrets().signingKey(event.canary(), analysis.flatMap(Analysis::webhookSecretRef));
        List<HookOutcome> outcomes = s.hooks().sendEvent(event, hooks, secret);
        ObjectNode answer = MAPPER.createObjectNode();
        answer.put("delivered", outcomes.stream().filter(o -> o instanceof HookOutcome.Passed).count());
        var failed = answer.putArray("failed");
        outcomes.stream().filter(o -> o instanceof HookOutcome.Failed)
                .map(o -> (HookOutcome.Failed) o)
                .forEach(f -> failed.addObject().put("hook", f.hook().name()).put("error", f.message()));
        return answer;
    }
}

package dev.flagstep.phases;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.analysis.Message;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.phases.wiring.Services;
import dev.flagstep.store.StatusRecord;
import java.time.Instant;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import java.util.List;
import java.util.Optional;

/**
 * The Warning event of a transient fault ("... will be retried: Kubernetes API unavailable: ..."),
 * so the cause of a slow rollout is never hidden. Best effort, each part on its own: when DynamoDB is
 * what failed, the event still reaches the event bus; the event webhooks get it when the canary's
 * document can be read.
 */
final class FaultWarning {

    private static final System.Logger LOG = System.getLogger("flagstep");
    private static final SpecParser PARSER = new SpecParser();

    private FaultWarning() {}

    static void publish(Services s, PhaseInput in, String phase, String cause) {
        Instant now = s.clock().instant();
        String text = phase + " of " + in.canary().dotted() + " will be retried: " + cause;
        LOG.log(System.Logger.Level.WARNING, text);
        CanaryStatus status = statusOrInitial(s, in, now);
        CanaryEvent event = new CanaryEvent(in.canary(), Message.Severity.WARNING, text, status.phase(), now,
                status.canaryWeight(), status.failedChecks(), in.runId(), status.checksum());
        try {
            s.history().append(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event not recorded (" + e.getMessage() + "): " + text);
        }
        try {
            s.events().publish(List.of(event));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event not published (" + e.getMessage() + "): " + text);
        }
        try {
            postToEventWebhooks(s, in, event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "event not sent to the event webhooks (" + e.getMessage() + "): " + text);
        }
    }

    /** As Flagger posts its "%v" warnings; needs the canary's document (its hooks), so not when the table is down. */
    private static void postToEventWebhooks(Services s, PhaseInput in, CanaryEvent event) {
        var analysis = s.specs().spec(in.canary())
                .map(spec -> PARSER.parse(spec.source(), in.canary()))
                .flatMap(r -> r instanceof SpecResult.Valid v ? v.document().canary().analysis() : Optional.empty());
        var targets = s.hooks().eventTargets(analysis.map(a -> a.hooks(HookType.EVENT)).orElse(List.of()));
        if (!targets.isEmpty()) {
            s.hooks().sendEvent(event, targets,
                    s.signingSecrets().signingKey(in.canary(), analysis.flatMap(Analysis::webhookSecretRef)));
        }
    }

    private static CanaryStatus statusOrInitial(Services s, PhaseInput in, Instant now) {
        try {
            return s.statuses().statusRecord(in.canary()).map(StatusRecord::status).orElse(CanaryStatus.initial(now));
        } catch (RuntimeException unreadable) {
            return CanaryStatus.initial(now);
        }
    }
}

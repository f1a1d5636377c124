package dev.flagstep.webhook;

import dev.flagstep.events.CanaryEvent;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a canary's hooks with Flagger's loop rules (contract §1): hooks of one type go one after
 * another in spec order, and the first failure stops the loop, except for rollback hooks, where the
 * first success stops it (that success means "roll back"). Event hooks are different: they are
 * notifications, so they all go out at once and their failures never reach the caller.
 */
public final class HookRunner {

    private final WebhookClient client;
    /** Flagger's {@code -event-webhook}: where the events of canaries without {@code event} hooks go. */
    private final Optional<URI> globalEventWebhook;

    public HookRunner(WebhookClient client) {
        this(client, Optional.empty());
    }

    public HookRunner(WebhookClient client, Optional<URI> globalEventWebhook) {
        this.client = client;
        this.globalEventWebhook = globalEventWebhook;
    }

    /** Where a canary's events go: its {@code event} hooks, else the global event webhook ({@link EventWebhooks#targets}). */
    public List<Webhook> eventTargets(List<Webhook> canaryHooks) {
        return EventWebhooks.targets(canaryHooks, globalEventWebhook);
    }

    /**
     * Calls the hooks of {@code type} among {@code hooks} (a canary's whole list may be passed).
     *
     * @throws IllegalArgumentException for {@code event}: use {@link #sendEvent}
     * @throws KubeException.Unavailable when a hook's last attempt went to a cluster Service through the
     *         Kubernetes API server and that server could not be reached or was overloaded
     */
    public HookRun run(HookType type, HookContext context, List<Webhook> hooks) {
        if (type == HookType.EVENT) {
            throw new IllegalArgumentException("event hooks are sent with sendEvent, not run as a gate");
        }
        List<HookOutcome> outcomes = new ArrayList<>();
        for (Webhook hook : hooks) {
            if (hook.type() != type) {
                continue;
            }
            WebhookPayload payload = WebhookPayload.forHook(context.canary(), hook, context.currentPhase(), context.checksum());
            HookOutcome outcome = client.call(hook, payload, context.secret());
            if (outcome instanceof HookOutcome.Failed f && f.apiUnavailable()) {
                // the Kubernetes API is down, not the receiver: the phase is retried like any API outage
                // (docs/retries.md) instead of counting a failed check, closing a gate or losing the hook
                throw new KubeException.Unavailable(type.wireName() + " hook " + hook.name() + ": " + f.message(), null);
            }
            outcomes.add(outcome);
            boolean stop = type == HookType.ROLLBACK ? outcome.passed() : !outcome.passed();
            if (stop) {
                break;
            }
        }
        return new HookRun(type, outcomes);
    }

    /**
     * Sends {@code event} to every {@code event} hook among {@code hooks}, concurrently on virtual
     * threads, and waits for all of them. Never throws; the outcomes (in hook order) are for logging.
     * An event whose proxied receiver could not be reached because the Kubernetes API server was down is
     * reported like any failed delivery (marked {@link HookOutcome.Failed#apiUnavailable()}), not retried:
     * a retry would post the event again to every receiver that already has it.
     * Use {@link EventWebhooks#targets} first to apply the global EVENT_WEBHOOK_URL rule.
     */
    public List<HookOutcome> sendEvent(CanaryEvent event, List<Webhook> hooks, Optional<SigningSecret> secret) {
        List<Webhook> targets = hooks.stream().filter(h -> h.type() == HookType.EVENT).toList();
        if (targets.isEmpty()) {
            return List.of();
        }
        List<HookOutcome> outcomes = new ArrayList<>(targets.size());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HookOutcome>> sent = targets.stream()
                    .map(hook -> threads.submit(() -> client.call(hook, WebhookPayload.forEvent(event, hook), secret)))
                    .toList();
            for (int i = 0; i < sent.size(); i++) {
                outcomes.add(await(sent.get(i), targets.get(i)));
            }
        }
        return outcomes;
    }

    private static HookOutcome await(Future<HookOutcome> future, Webhook hook) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            return new HookOutcome.Failed(hook, OptionalInt.empty(), "event not sent: interrupted", 0, Duration.ZERO);
        } catch (ExecutionException e) {
            // WebhookClient does not throw; this guards against a bug there taking down the caller.
            return new HookOutcome.Failed(hook, OptionalInt.empty(), "event not sent: " + e.getCause(), 0, Duration.ZERO);
        }
    }
}

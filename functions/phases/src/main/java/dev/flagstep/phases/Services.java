package dev.flagstep.phases;

import dev.flagstep.events.EventPublisher;
import dev.flagstep.metrics.MetricChecker;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.webhook.HookRunner;
import dev.flagstep.webhook.SigningSecret;
import dev.flagstep.webhook.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * Everything a phase acts through, built once per Lambda container (or once by the local runtime)
 * and handed to every handler. No DI framework: this record is the wiring.
 *
 * @param defaultProvider the router used when a canary names none (Flagger's {@code -mesh-provider})
 * @param apiUrl flagstep's own API: hooks pointing at its gate paths are evaluated in-process
 * @param signingSecrets resolves {@code analysis.webhookSecretRef} to the HMAC key for webhook bodies
 * @param sleeper how a phase waits (for another delivery of its tick, between quick retries); tests
 *     pass one that moves their clock instead of sleeping
 */
public record Services(
        CanaryStore store,
        Clock clock,
        HookRunner hooks,
        Clusters clusters,
        MetricChecker metrics,
        EventPublisher events,
        TaskTokens taskTokens,
        String defaultProvider,
        Optional<URI> apiUrl,
        SecretLookup signingSecrets,
        Sleeper sleeper) {

    /** Waits for real ({@link Sleeper#REAL}). */
    public Services(CanaryStore store, Clock clock, HookRunner hooks, Clusters clusters, MetricChecker metrics,
            EventPublisher events, TaskTokens taskTokens, String defaultProvider, Optional<URI> apiUrl,
            SecretLookup signingSecrets) {
        this(store, clock, hooks, clusters, metrics, events, taskTokens, defaultProvider, apiUrl, signingSecrets,
                Sleeper.REAL);
    }

    /** Builds the cluster seam for one canary. */
    @FunctionalInterface
    public interface Clusters {
        CanaryCluster of(CanarySpec canary, String provider);
    }

    /** Completes a parked task token (Step Functions SendTaskSuccess, or the local interpreter). */
    @FunctionalInterface
    public interface TaskTokens {
        void succeed(String taskToken);
    }

    @FunctionalInterface
    public interface SecretLookup {
        Optional<SigningSecret> resolve(String secretRef);
    }
}

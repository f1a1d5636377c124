package dev.flagstep.phases.wiring;

import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.events.EventPublisher;
import dev.flagstep.gate.TaskTokens;
import dev.flagstep.metrics.MetricChecker;
import dev.flagstep.notifier.Notifier;
import dev.flagstep.phases.cluster.CanaryCluster;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.EventHistory;
import dev.flagstep.store.GateStore;
import dev.flagstep.store.RunStore;
import dev.flagstep.store.SpecStore;
import dev.flagstep.store.StatusStore;
import dev.flagstep.webhook.HookRunner;
import dev.flagstep.webhook.SigningSecret;
import dev.flagstep.webhook.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * Everything a phase acts through, built once per Lambda container (or once by the local runtime)
 * and handed to every handler. No DI framework: {@link PhaseWiring} builds this record from the
 * adapters of AWS or of the local runtime; tests of one part may build it directly.
 *
 * @param store the whole store, as wired (a test may wrap it); phases act through its narrow ports
 *     ({@link #specs()}, {@link #statuses()}, {@link #gates()}, {@link #history()}, {@link #runs()})
 * @param canaryObjects the {@code Canary} objects of canaries that come from the cluster: their status and
 *     events are mirrored there (never used for canaries put through the API)
 * @param defaultProvider the router used when a canary names none (Flagger's {@code -mesh-provider})
 * @param apiUrl flagstep's own API: hooks pointing at its gate paths are evaluated in-process
 * @param signingSecrets the HMAC key for a canary's webhook bodies ({@link SigningSecrets})
 * @param historyBudget how many ticks an execution runs before it hands the rollout over to a new one
 * @param sleeper how a phase waits (for another delivery of its tick, between quick retries); tests
 *     pass one that moves their clock instead of sleeping
 * @param notifier delivers Flagger's alerts to the canary's AlertProviders or the global notifier
 */
public record Services(
        CanaryStore store,
        Clock clock,
        HookRunner hooks,
        Clusters clusters,
        MetricChecker metrics,
        EventPublisher events,
        CanaryObjects canaryObjects,
        TaskTokens taskTokens,
        String defaultProvider,
        Optional<URI> apiUrl,
        SecretLookup signingSecrets,
        HistoryBudget historyBudget,
        Sleeper sleeper,
        Notifier notifier) {

    /** Without a notifier of its own: AlertProviders with a plain {@code address} only, no global notifier. */
    public Services(CanaryStore store, Clock clock, HookRunner hooks, Clusters clusters, MetricChecker metrics,
                    EventPublisher events, CanaryObjects canaryObjects, TaskTokens taskTokens, String defaultProvider,
                    Optional<URI> apiUrl, SecretLookup signingSecrets, HistoryBudget historyBudget, Sleeper sleeper) {
        this(store, clock, hooks, clusters, metrics, events, canaryObjects, taskTokens, defaultProvider, apiUrl,
                signingSecrets, historyBudget, sleeper, Notifier.local());
    }

    /** The canary documents. */
    public SpecStore specs() {
        return store;
    }

    /** The canary's status, with optimistic locking and the tick memo. */
    public StatusStore statuses() {
        return store;
    }

    /** The canary's gates and the parked task tokens. */
    public GateStore gates() {
        return store;
    }

    /** The canary's event history. */
    public EventHistory history() {
        return store;
    }

    /** The canary's rollouts: claims, ends, weight timelines. */
    public RunStore runs() {
        return store;
    }

    /** Builds the cluster seam for one canary. */
    @FunctionalInterface
    public interface Clusters {
        CanaryCluster of(CanarySpec canary, String provider);
    }

    /** A canary's webhook signing key, from its {@code analysis.webhookSecretRef} (scoped to its namespace). */
    @FunctionalInterface
    public interface SecretLookup {
        Optional<SigningSecret> signingKey(CanaryId canary, Optional<String> webhookSecretRef);
    }
}

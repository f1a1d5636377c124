package dev.flagstep.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link CanaryObjects} over the Kubernetes API: the status as a JSON merge patch of the {@code /status}
 * subresource, events as core/v1 Events (POST, or a PATCH of the count of an identical one, see
 * {@link EventCorrelator}). One instance per container, shared by every canary.
 *
 * <p>Never throws. A missing object (404) is quiet: it was deleted, the sync will notice. Any other failure is
 * logged as a warning. After the API could not be reached (timeout, 5xx, no connection), writes are skipped for
 * {@link #QUIET_AFTER_OUTAGE} of this clock, so a Kubernetes outage costs a tick at most one client timeout
 * rather than one per event; what is skipped is lost for the events, and caught up by the next status write.
 */
public final class KubeCanaryObjects implements CanaryObjects {

    private static final Logger LOG = Logger.getLogger(KubeCanaryObjects.class.getName());

    static final Duration QUIET_AFTER_OUTAGE = Duration.ofSeconds(30);

    private final Supplier<KubeClient> kube;
    private final Clock clock;
    private final EventCorrelator correlator = new EventCorrelator();
    /** The last nanos used in an event name: events of one batch share a timestamp, their names must not. */
    private final AtomicLong lastNanos = new AtomicLong();
    private volatile Instant quietUntil = Instant.MIN;
    /**
     * Each canary's object uid, as its last status write answered it (or, before any, as read once): events need
     * it for their {@code involvedObject}, and every tick writes the status, so a recreated object's new uid
     * arrives with the next status write and the events need no read of their own.
     */
    private final Map<CanaryId, String> uids = new ConcurrentHashMap<>();

    /**
     * @param kube the client for each call (on EKS a fresh token), the same the phases change the cluster with
     * @param clock when the API is tried again after an outage
     */
    public KubeCanaryObjects(Supplier<KubeClient> kube, Clock clock) {
        this.kube = kube;
        this.clock = clock;
    }

    @Override
    public boolean writeStatus(CanaryId id, CanaryStatus status, Optional<String> invalid) {
        KubeRef ref = ResourceKind.CANARY.ref(id.namespace(), id.name());
        if (quiet()) return false;
        try {
            Optional<ObjectNode> written = kube.get().mergePatchStatus(ref, FlaggerStatus.mergePatch(status, invalid));
            written.map(o -> o.path("metadata").path("uid").asText("")).filter(uid -> !uid.isEmpty())
                    .ifPresentOrElse(uid -> uids.put(id, uid), () -> uids.remove(id));
            return written.isPresent();
        } catch (RuntimeException e) {
            failed("could not write the status of " + ref, e);
            return false;
        }
    }

    @Override
    public void record(CanaryId id, List<CanaryEvent> events) {
        if (events.isEmpty() || quiet()) return;
        KubeRef ref = ResourceKind.CANARY.ref(id.namespace(), id.name());
        try {
            KubeClient client = kube.get();
            Optional<String> known = Optional.ofNullable(uids.get(id));
            if (known.isEmpty()) {
                Optional<ObjectNode> canary = client.get(ref);
                if (canary.isEmpty()) return; // deleted: nothing to attach them to
                known = Optional.of(canary.get().path("metadata").path("uid").asText(""));
                uids.put(id, known.get());
            }
            String uid = known.get();
            for (CanaryEvent e : events) {
                post(client, uid, e);
            }
        } catch (RuntimeException e) {
            failed("could not record " + events.size() + " event(s) on " + ref, e);
        }
    }

    private void post(KubeClient client, String uid, CanaryEvent e) {
        CanaryId id = e.canary();
        var key = new EventCorrelator.Key(id.namespace(), uid, e.severity(), CanaryEventObject.REASON, e.message());
        Optional<EventCorrelator.Posted> seen = correlator.repeated(key, e.timestamp());
        if (seen.isPresent()) {
            EventCorrelator.Posted p = seen.get();
            int count = p.count() + 1;
            KubeRef event = ResourceKind.EVENT.ref(id.namespace(), p.name());
            if (client.mergePatch(event, CanaryEventObject.seenAgain(count, e.timestamp())).isPresent()) {
                correlator.remember(key, new EventCorrelator.Posted(p.name(), count, p.first()));
                return;
            }
            correlator.forget(key); // expired on the server: post it anew
        }
        String name = CanaryEventObject.name(id.name(), nextNanos(e.timestamp()));
        try {
            client.create(ResourceKind.EVENT, CanaryEventObject.of(e, uid, name));
        } catch (KubeException.Conflict taken) { // another container's event of the same nanosecond
            name = CanaryEventObject.name(id.name(), nextNanos(e.timestamp()));
            client.create(ResourceKind.EVENT, CanaryEventObject.of(e, uid, name));
        }
        correlator.remember(key, new EventCorrelator.Posted(name, 1, e.timestamp()));
    }

    private long nextNanos(Instant at) {
        long wanted = CanaryEventObject.unixNanos(at);
        return lastNanos.updateAndGet(last -> Math.max(last + 1, wanted));
    }

    private boolean quiet() {
        return clock.instant().isBefore(quietUntil);
    }

    private void failed(String what, RuntimeException e) {
        if (e instanceof KubeException.Unavailable) {
            quietUntil = clock.instant().plus(QUIET_AFTER_OUTAGE);
        }
        LOG.log(Level.WARNING, what + " (best effort, the rollout goes on): " + e.getMessage());
    }
}

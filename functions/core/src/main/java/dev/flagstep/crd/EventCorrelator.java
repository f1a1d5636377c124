package dev.flagstep.crd;

import dev.flagstep.analysis.Message.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The part of client-go's event correlator ({@code tools/record/events_cache.go}) flagstep needs: an event
 * identical to one this container posted (same object uid, type, reason and message) counts up the posted
 * Event instead of adding another object, so {@code kubectl describe} shows "x5 over 4m" as with Flagger.
 * Bounded: the least recently seen entries are forgotten beyond {@link #MAX_ENTRIES}, and an entry older than
 * the API server's default event lifetime is not reused (that Event is likely gone). Thread-safe.
 */
final class EventCorrelator {

    static final int MAX_ENTRIES = 512;
    /** kube-apiserver's default {@code --event-ttl}. */
    static final Duration EVENT_TTL = Duration.ofHours(1);

    /** What identifies an event to the correlator (client-go's {@code getEventKey}, minus what is constant here). */
    record Key(String namespace, String uid, Severity type, String reason, String message) {}

    /** A posted Event: its name, how often it was seen, when first posted. */
    record Posted(String name, int count, Instant first) {}

    private final Map<Key, Posted> posted = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Posted> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** The Event this one repeats, if this container posted it within the event lifetime. */
    synchronized Optional<Posted> repeated(Key key, Instant now) {
        Posted p = posted.get(key);
        if (p == null || Duration.between(p.first(), now).compareTo(EVENT_TTL) >= 0) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    synchronized void remember(Key key, Posted p) {
        posted.put(key, p);
    }

    synchronized void forget(Key key) {
        posted.remove(key);
    }

    synchronized int size() {
        return posted.size();
    }
}

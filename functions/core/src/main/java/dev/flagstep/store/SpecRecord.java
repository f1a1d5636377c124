package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;
import java.time.Instant;
import java.util.Optional;

/**
 * The canary document exactly as it was submitted (YAML or JSON text), so what users read back is
 * what they wrote; it is parsed again on every load. {@code version} grows by one on every put.
 * {@code origin} says who owns it: the HTTP API, or a {@code Canary} object in the cluster (then the
 * API may read it but not change it, and the phases mirror status and events onto that object).
 * {@code problem} says why that object is not this document: its spec is invalid (the field and the rule),
 * so the last valid document is kept and the object shows the problem on its status.
 */
public record SpecRecord(CanaryId canary, String source, long version, Instant updatedAt, SpecOrigin origin,
        Optional<String> problem) {

    /** A document put through the API. */
    public SpecRecord(CanaryId canary, String source, long version, Instant updatedAt) {
        this(canary, source, version, updatedAt, SpecOrigin.API, Optional.empty());
    }

    public boolean fromCluster() {
        return origin == SpecOrigin.CLUSTER;
    }
}

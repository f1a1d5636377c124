package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;
import java.time.Instant;

/**
 * The canary document exactly as it was submitted (YAML or JSON text), so what users read back is
 * what they wrote; it is parsed again on every load. {@code version} grows by one on every put.
 */
public record SpecRecord(CanaryId canary, String source, long version, Instant updatedAt) {}

package dev.flagstep.store;

/** Where a canary's document comes from; one source per canary, so the two never fight. */
public enum SpecOrigin {
    /** {@code PUT /canaries/{ns}/{name}} (or the local CLI). */
    API,
    /** A {@code flagger.app/v1beta1} {@code Canary} object, copied by the cluster sync. */
    CLUSTER
}

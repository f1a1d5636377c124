package dev.flagstep.local.sim;

import java.time.Instant;

/** What the simulated kubelet reports for a Deployment's pods at one instant. */
sealed interface PodHealth {

    /** Every replica of the current generation is up and available. */
    record Ready() implements PodHealth {}

    /** A new generation was observed at {@code since}; its pods are not ready yet (the configured delay). */
    record RollingOut(Instant since) implements PodHealth {}

    /** {@link SimulatedCluster#holdUnready} is on: the pods never become available. */
    record HeldUnready() implements PodHealth {}
}

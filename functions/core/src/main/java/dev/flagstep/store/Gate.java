package dev.flagstep.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A gate's state. {@code who}, {@code why} and {@code when} describe the last open or close;
 * {@code waitingTaskToken} is the Step Functions task token of a rollout parked on this gate
 * ({@code .waitForTaskToken}), completed by whoever opens it so the rollout moves on at once.
 */
public record Gate(
        boolean open,
        Optional<String> who,
        Optional<String> why,
        Optional<Instant> when,
        Optional<String> waitingTaskToken,
        Optional<Instant> waitingSince) {

    /** A gate nobody has touched: closed, as the loadtester's gates are by default. */
    public static Gate closed() {
        return new Gate(false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}

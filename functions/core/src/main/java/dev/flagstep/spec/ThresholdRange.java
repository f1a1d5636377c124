package dev.flagstep.spec;

import java.util.Optional;

/** A metric's accepted range: the check fails when {@code value < min} or {@code value > max}. */
public record ThresholdRange(Optional<Double> min, Optional<Double> max) {

    public static ThresholdRange none() {
        return new ThresholdRange(Optional.empty(), Optional.empty());
    }

    public boolean isEmpty() {
        return min.isEmpty() && max.isEmpty();
    }
}

package dev.flagstep.spec;

import java.util.List;

/** The outcome of reading a canary document: valid, or every problem at once. */
public sealed interface SpecResult {

    record Valid(CanaryDocument document) implements SpecResult {}

    record Invalid(List<SpecError> errors) implements SpecResult {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }
}

package dev.flagstep.spec;

import java.util.List;

/** The outcome of reading a canary document: valid, or every problem at once. */
public sealed interface SpecResult {

    /** A valid document, with the fields its provider ignores ({@link IgnoredFields}). */
    record Valid(CanaryDocument document, List<SpecWarning> warnings) implements SpecResult {
        public Valid {
            warnings = List.copyOf(warnings);
        }
    }

    record Invalid(List<SpecError> errors) implements SpecResult {
        public Invalid {
            errors = List.copyOf(errors);
        }
    }
}

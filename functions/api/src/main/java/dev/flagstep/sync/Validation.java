package dev.flagstep.sync;

import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecError;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.spec.SpecWarning;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A rendered canary checked by the same {@link SpecParser} the API uses: valid with its document, or invalid with
 * every problem, each naming its field. A missing template is reported in the cluster's words (the parser would
 * say "add it after a --- line", advice for API users).
 */
public sealed interface Validation {

    record Valid(CanaryDocument document, List<SpecWarning> warnings) implements Validation {
        public Valid {
            warnings = List.copyOf(warnings);
        }
    }

    record Invalid(List<SpecError> errors) implements Validation {
        public Invalid {
            errors = List.copyOf(errors);
        }

        /** One line for the Stalled condition and the Warning event: every problem, field first. */
        public String message() {
            return errors.stream().map(SpecError::toString).collect(Collectors.joining("; "));
        }
    }

    static Validation of(SpecParser parser, CanaryId id, CanaryRendering rendering) {
        SpecResult result = parser.parse(rendering.text(), id);
        if (rendering.missing().isEmpty() && result instanceof SpecResult.Valid v) {
            return new Valid(v.document(), v.warnings());
        }
        List<SpecError> errors = new ArrayList<>(rendering.missing());
        if (result instanceof SpecResult.Invalid invalid) {
            for (SpecError e : invalid.errors()) {
                if (rendering.missing().stream().noneMatch(m -> m.path().equals(e.path()))) errors.add(e);
            }
        }
        return new Invalid(errors);
    }
}

package dev.flagstep.doctor;

import java.util.Optional;

/**
 * One result of a check: what was checked ({@code test/podinfo}, {@code api server}), the verdict, what was found,
 * and for anything but a pass the fix, as the exact YAML or command line to use.
 */
public record Finding(Verdict verdict, String subject, String message, Optional<String> fix) {

    public enum Verdict { PASS, WARN, FAIL }

    public static Finding pass(String subject, String message) {
        return new Finding(Verdict.PASS, subject, message, Optional.empty());
    }

    public static Finding warn(String subject, String message, String fix) {
        return new Finding(Verdict.WARN, subject, message, Optional.of(fix));
    }

    public static Finding fail(String subject, String message, String fix) {
        return new Finding(Verdict.FAIL, subject, message, Optional.of(fix));
    }
}

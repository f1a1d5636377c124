package dev.flagstep.spec;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Flagger's webhook types ({@code analysis.webhooks[].type}); the legacy empty type means {@code rollout}. */
public enum HookType {
    CONFIRM_ROLLOUT("confirm-rollout"),
    PRE_ROLLOUT("pre-rollout"),
    ROLLOUT("rollout"),
    CONFIRM_TRAFFIC_INCREASE("confirm-traffic-increase"),
    CONFIRM_PROMOTION("confirm-promotion"),
    POST_ROLLOUT("post-rollout"),
    ROLLBACK("rollback"),
    EVENT("event");

    private final String wireName;

    HookType(String wireName) {
        this.wireName = wireName;
    }

    /** The value users write in YAML. */
    public String wireName() {
        return wireName;
    }

    /** Parses a type as Flagger does: {@code ""} is the legacy name of {@code rollout}. */
    public static Optional<HookType> fromWire(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of(ROLLOUT);
        }
        return Arrays.stream(values()).filter(t -> t.wireName.equals(value)).findFirst();
    }

    /** For error messages: every accepted value. */
    public static String expectedValues() {
        return Arrays.stream(values()).map(HookType::wireName).collect(Collectors.joining(", "));
    }

    /** The confirm-* gates: closed means wait, never a failed check. */
    public boolean isGate() {
        return this == CONFIRM_ROLLOUT || this == CONFIRM_TRAFFIC_INCREASE || this == CONFIRM_PROMOTION;
    }

    @Override
    public String toString() {
        return wireName;
    }
}

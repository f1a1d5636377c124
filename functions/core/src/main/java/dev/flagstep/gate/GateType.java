package dev.flagstep.gate;

import dev.flagstep.spec.HookType;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The durable gates a canary has. The first four are flagstep's built-in gates, opened and closed
 * through {@code /canaries/{ns}/{name}/gates/{type}}. {@link #LOADTESTER} is flagger-loadtester's
 * {@code name.namespace} gate ({@code /gate/open|close|check}): one gate shared by every confirm-*
 * webhook that points at {@code /gate/check}, as in the loadtester. The loadtester's rollback gate
 * ({@code rollback.name.namespace}) is the same item as the built-in {@link #ROLLBACK} gate, since
 * both mean the same thing: open = roll back now. See {@link LoadtesterGateKey}.
 */
public enum GateType {
    CONFIRM_ROLLOUT("confirm-rollout"),
    CONFIRM_TRAFFIC_INCREASE("confirm-traffic-increase"),
    CONFIRM_PROMOTION("confirm-promotion"),
    ROLLBACK("rollback"),
    LOADTESTER("loadtester");

    private final String wireName;

    GateType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in API paths and in the item's sort key ({@code GATE#confirm-rollout}). */
    public String wireName() {
        return wireName;
    }

    /** True for the gates the {@code /canaries/{ns}/{name}/gates/{type}} routes accept. */
    public boolean isBuiltIn() {
        return this != LOADTESTER;
    }

    public static Optional<GateType> fromWire(String value) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(value)).findFirst();
    }

    /** The built-in gate that matches a webhook type: confirm-* and rollback; empty for the others. */
    public static Optional<GateType> forHook(HookType type) {
        return switch (type) {
            case CONFIRM_ROLLOUT -> Optional.of(CONFIRM_ROLLOUT);
            case CONFIRM_TRAFFIC_INCREASE -> Optional.of(CONFIRM_TRAFFIC_INCREASE);
            case CONFIRM_PROMOTION -> Optional.of(CONFIRM_PROMOTION);
            case ROLLBACK -> Optional.of(ROLLBACK);
            case PRE_ROLLOUT, ROLLOUT, POST_ROLLOUT, EVENT -> Optional.empty();
        };
    }

    /**
     * The gates whose opening wakes a rollout parked on a confirm-* gate of {@code type}: its own
     * built-in gate, the loadtester gate (its hooks may point at {@code /gate/check}) and the rollback
     * gate (an open one rolls the canary back at the next check, so it must not wait an interval).
     *
     * @throws IllegalArgumentException for a type that is not a confirm-* gate
     */
    public static List<GateType> wakers(HookType type) {
        return switch (type) {
            case CONFIRM_ROLLOUT, CONFIRM_TRAFFIC_INCREASE, CONFIRM_PROMOTION ->
                    List.of(forHook(type).orElseThrow(), LOADTESTER, ROLLBACK);
            default -> throw new IllegalArgumentException("not a gate: " + type);
        };
    }

    @Override
    public String toString() {
        return wireName;
    }
}

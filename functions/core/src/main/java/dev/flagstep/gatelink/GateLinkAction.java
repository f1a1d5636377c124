package dev.flagstep.gatelink;

import java.util.Arrays;
import java.util.Optional;

/** What a link does when clicked: open the gate it names, or open the canary's rollback gate. */
public enum GateLinkAction {
    APPROVE("approve"),
    ROLLBACK("rollback");

    private final String wireName;

    GateLinkAction(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<GateLinkAction> fromWire(String value) {
        return Arrays.stream(values()).filter(a -> a.wireName.equals(value)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}

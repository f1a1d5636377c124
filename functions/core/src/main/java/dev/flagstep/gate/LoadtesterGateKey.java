package dev.flagstep.gate;

import dev.flagstep.spec.CanaryId;
import java.util.Optional;

/**
 * flagger-loadtester's gate keys: {@code name.namespace} for the confirm gate
 * ({@code /gate/*}) and {@code rollback.name.namespace} for the rollback gate ({@code /rollback/*}).
 * They map onto this canary's {@link GateType#LOADTESTER} and {@link GateType#ROLLBACK} items, so the
 * gates are durable and shared by every caller instead of living in one loadtester pod's memory.
 */
public record LoadtesterGateKey(CanaryId canary, GateType type) {

    private static final String ROLLBACK_PREFIX = "rollback.";

    public LoadtesterGateKey {
        if (type != GateType.LOADTESTER && type != GateType.ROLLBACK) {
            throw new IllegalArgumentException("the loadtester has no " + type + " gate");
        }
    }

    /** The gate {@code /gate/check|open|close} uses for a webhook payload's name and namespace. */
    public static LoadtesterGateKey confirm(String name, String namespace) {
        return new LoadtesterGateKey(new CanaryId(namespace, name), GateType.LOADTESTER);
    }

    /** The gate {@code /rollback/check|open|close} uses. */
    public static LoadtesterGateKey rollback(String name, String namespace) {
        return new LoadtesterGateKey(new CanaryId(namespace, name), GateType.ROLLBACK);
    }

    /**
     * Reads a key as the loadtester writes it. Namespaces are DNS labels without dots, so the
     * namespace is what follows the last dot and the name may itself contain dots; a leading
     * {@code rollback.} always means the rollback gate (the loadtester's own keys are ambiguous the
     * same way).
     */
    public static Optional<LoadtesterGateKey> parse(String key) {
        boolean rollback = key.startsWith(ROLLBACK_PREFIX);
        String rest = rollback ? key.substring(ROLLBACK_PREFIX.length()) : key;
        int dot = rest.lastIndexOf('.');
        if (dot <= 0 || dot == rest.length() - 1) {
            return Optional.empty();
        }
        CanaryId id = new CanaryId(rest.substring(dot + 1), rest.substring(0, dot));
        return Optional.of(new LoadtesterGateKey(id, rollback ? GateType.ROLLBACK : GateType.LOADTESTER));
    }

    /** The loadtester's own spelling of this key. */
    public String key() {
        String base = canary.name() + "." + canary.namespace();
        return type == GateType.ROLLBACK ? ROLLBACK_PREFIX + base : base;
    }
}

package dev.flagstep.phases;

import dev.flagstep.analysis.GateOutcome;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import dev.flagstep.store.GateType;
import dev.flagstep.webhook.HookOutcome;
import dev.flagstep.webhook.HookRun;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The confirm-* and rollback hooks of one tick. A hook whose URL is one of flagstep's own gate paths
 * ({@code {apiUrl}/gate/check}, {@code /gate/approve}, {@code /gate/halt}, {@code /rollback/check})
 * is answered from the durable gates in the store instead of over HTTP: the same answers as
 * flagger-loadtester, shared by every caller, and a rollout parked on the gate resumes the moment it
 * opens. Every other hook is called exactly as Flagger calls it.
 */
final class Gates {

    private Gates() {}

    /** The hooks of a confirm-* type in spec order, stopping at the first closed one; none means open. */
    static GateOutcome confirm(Tick t, HookType type) {
        List<String> passed = new ArrayList<>();
        for (Webhook hook : t.io.hooks(type)) {
            boolean open = builtin(t, hook).map(path -> builtinOpen(t, path, type))
                    .orElseGet(() -> t.io.runHooks(type, List.of(hook)).passed());
            if (!open) {
                return new GateOutcome.Closed(passed, hook.name(), hook.muteAlert());
            }
            passed.add(hook.name());
        }
        return new GateOutcome.Open(passed);
    }

    /**
     * The rollback hooks: the first that answers 2xx (or a built-in rollback gate that is open) signals
     * a rollback. The others are "not signaling a rollback", reported by name.
     */
    static RollbackCheck rollback(Tick t) {
        List<String> quiet = new ArrayList<>();
        for (Webhook hook : t.io.hooks(HookType.ROLLBACK)) {
            boolean signal = builtin(t, hook).map(path -> builtinOpen(t, path, HookType.ROLLBACK))
                    .orElseGet(() -> {
                        HookRun run = t.io.runHooks(HookType.ROLLBACK, List.of(hook));
                        return run.outcomes().stream().anyMatch(o -> o instanceof HookOutcome.Passed);
                    });
            if (signal) {
                return new RollbackCheck(quiet, Optional.of(hook.name()));
            }
            quiet.add(hook.name());
        }
        return new RollbackCheck(quiet, Optional.empty());
    }

    record RollbackCheck(List<String> notSignaling, Optional<String> signaledBy) {}

    /** The gate types a rollout parked on this gate hook type should be woken by. */
    static List<GateType> wakers(HookType type) {
        return switch (type) {
            case CONFIRM_ROLLOUT -> List.of(GateType.CONFIRM_ROLLOUT, GateType.LOADTESTER, GateType.ROLLBACK);
            case CONFIRM_TRAFFIC_INCREASE -> List.of(GateType.CONFIRM_TRAFFIC_INCREASE, GateType.LOADTESTER, GateType.ROLLBACK);
            case CONFIRM_PROMOTION -> List.of(GateType.CONFIRM_PROMOTION, GateType.LOADTESTER, GateType.ROLLBACK);
            default -> throw new IllegalArgumentException("not a gate: " + type);
        };
    }

    private static Optional<String> builtin(Tick t, Webhook hook) {
        Optional<URI> api = t.io.apiUrl();
        if (api.isEmpty()) {
            return Optional.empty();
        }
        String base = stripSlash(api.get().toString());
        String url = hook.url().toString();
        if (!url.startsWith(base + "/")) {
            return Optional.empty();
        }
        String path = url.substring(base.length());
        return switch (path) {
            case "/gate/check", "/gate/approve", "/gate/halt", "/rollback/check" -> Optional.of(path);
            default -> Optional.empty();
        };
    }

    private static boolean builtinOpen(Tick t, String path, HookType type) {
        var store = t.io.gates();
        var id = t.spec.id();
        return switch (path) {
            case "/gate/approve" -> true;
            case "/gate/halt" -> false;
            case "/rollback/check" -> store.gate(id, GateType.ROLLBACK).open();
            default -> store.gate(id, GateType.LOADTESTER).open()
                    || typed(type).map(g -> store.gate(id, g).open()).orElse(false);
        };
    }

    private static Optional<GateType> typed(HookType type) {
        return switch (type) {
            case CONFIRM_ROLLOUT -> Optional.of(GateType.CONFIRM_ROLLOUT);
            case CONFIRM_TRAFFIC_INCREASE -> Optional.of(GateType.CONFIRM_TRAFFIC_INCREASE);
            case CONFIRM_PROMOTION -> Optional.of(GateType.CONFIRM_PROMOTION);
            case ROLLBACK -> Optional.of(GateType.ROLLBACK);
            default -> Optional.empty();
        };
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}

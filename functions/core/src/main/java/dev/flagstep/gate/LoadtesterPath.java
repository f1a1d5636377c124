package dev.flagstep.gate;

import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * flagger-loadtester's gate paths ({@code pkg/loadtester/server.go}), which flagstep answers itself
 * from its durable gates; this is the one list of them. The API serves them all. The read-only ones
 * (the checks, approve and halt) are what canary webhooks call, unsigned, exactly as Flagger calls
 * them, so they need no signature; and a webhook whose URL is one of them under flagstep's own API URL
 * is answered in-process by the phases ({@link #hookedAt}) with the same answer ({@link #check}).
 */
public enum LoadtesterPath {
    // each constant's name is its path: GATE_CHECK is /gate/check
    GATE_CHECK,
    GATE_APPROVE,
    GATE_HALT,
    GATE_OPEN,
    GATE_CLOSE,
    ROLLBACK_CHECK,
    ROLLBACK_OPEN,
    ROLLBACK_CLOSE;

    /** What a path does. */
    public enum Action {
        /** Approved when the path's gate is open, else Forbidden. */
        CHECK,
        /** Always approves ({@code 200 OK}). */
        APPROVE,
        /** Always refuses ({@code 403 Forbidden}). */
        HALT,
        /** Opens the path's gate. */
        OPEN,
        /** Closes the path's gate. */
        CLOSE
    }

    /** {@code /gate/check}, ... */
    public String path() {
        return "/" + group() + "/" + action().name().toLowerCase(Locale.ROOT);
    }

    public Action action() {
        return Action.valueOf(name().substring(name().indexOf('_') + 1));
    }

    /** {@code gate} or {@code rollback}. */
    private String group() {
        return name().substring(0, name().indexOf('_')).toLowerCase(Locale.ROOT);
    }

    /** True for what a canary webhook calls: the checks, approve and halt. They read, never write. */
    public boolean readOnly() {
        return action() == Action.CHECK || action() == Action.APPROVE || action() == Action.HALT;
    }

    /**
     * The gate the path reads or writes: {@link GateType#LOADTESTER} ({@code name.namespace}) for
     * {@code /gate/*}, {@link GateType#ROLLBACK} ({@code rollback.name.namespace}) for
     * {@code /rollback/*}; none for approve and halt.
     */
    public Optional<GateType> gate() {
        if (action() == Action.APPROVE || action() == Action.HALT) {
            return Optional.empty();
        }
        return Optional.of(group().equals("rollback") ? GateType.ROLLBACK : GateType.LOADTESTER);
    }

    /**
     * The gate key this path reads or writes for {@code canary}.
     *
     * @throws IllegalStateException for approve and halt, which have no gate
     */
    public LoadtesterGateKey key(CanaryId canary) {
        return new LoadtesterGateKey(canary, gate().orElseThrow(() -> new IllegalStateException(path() + " has no gate")));
    }

    /**
     * What a read-only path answers. {@code hook} is the type of the webhook asking, when the phases
     * answer it in-process: there {@code /gate/check} is also approved by the canary's built-in gate of
     * that type (opened through {@code /canaries/{ns}/{name}/gates/{type}}); over HTTP the caller's type
     * is unknown and only the loadtester gate counts. Gates are read lazily, in that order.
     *
     * @param open whether a gate of the canary is open
     * @throws IllegalStateException for open and close, which are no checks
     */
    public LoadtesterAnswer check(Optional<HookType> hook, Predicate<GateType> open) {
        return switch (action()) {
            case APPROVE -> LoadtesterAnswer.OK;
            case HALT -> LoadtesterAnswer.FORBIDDEN;
            case CHECK -> {
                GateType own = gate().orElseThrow();
                boolean approved = open.test(own)
                        || own == GateType.LOADTESTER && hook.flatMap(GateType::forHook).filter(open).isPresent();
                yield approved ? LoadtesterAnswer.APPROVED : LoadtesterAnswer.FORBIDDEN;
            }
            case OPEN, CLOSE -> throw new IllegalStateException(path() + " is not a check");
        };
    }

    /** The path for {@code /{group}/{action}}, if the loadtester has it. */
    public static Optional<LoadtesterPath> of(String group, String action) {
        String path = "/" + group + "/" + action;
        return Arrays.stream(values()).filter(p -> p.path().equals(path)).findFirst();
    }

    /** The read-only paths, which API Gateway lets through unsigned. */
    public static List<String> readOnlyPaths() {
        return Arrays.stream(values()).filter(LoadtesterPath::readOnly).map(LoadtesterPath::path).toList();
    }

    /**
     * The read-only path {@code hookUrl} names under flagstep's own API URL, if it names one exactly (no
     * query, no trailing slash): such a webhook is answered from the store instead of over HTTP.
     */
    public static Optional<LoadtesterPath> hookedAt(URI apiUrl, URI hookUrl) {
        String api = apiUrl.toString();
        String base = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        String url = hookUrl.toString();
        if (!url.startsWith(base + "/")) {
            return Optional.empty();
        }
        String path = url.substring(base.length());
        return Arrays.stream(values()).filter(p -> p.readOnly() && p.path().equals(path)).findFirst();
    }
}

package dev.flagstep.gatelink;

import dev.flagstep.gate.LoadtesterPath;
import dev.flagstep.notifier.GateActionLinks;
import dev.flagstep.notifier.GateActions;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The notifiers' Approve / Roll back links, signed by {@link GateLinkMinter}, for a canary whose gate webhook
 * reads this API's built-in gate ({@code {api}/gate/check}): only there does opening the gate move the rollout,
 * so only there is a link offered (a gate at an external flagger-loadtester gets Flagger's plain alert).
 */
public final class GateLinkActions implements GateActions {

    private final GateLinkMinter minter;
    private final URI api;

    /** @param api the API the links point at, the one the phases' gate hooks are answered for */
    public GateLinkActions(GateLinkMinter minter, URI api) {
        this.minter = minter;
        this.api = api;
    }

    @Override
    public Optional<GateActionLinks> links(CanarySpec canary, String runId, String gate) {
        Optional<HookType> type = HookType.fromWire(gate);
        List<Webhook> hooks = type.flatMap(t -> canary.analysis().map(a -> a.hooks(t))).orElse(List.of());
        boolean readHere = hooks.stream().anyMatch(hook -> hook.url().getScheme() != null
                && LoadtesterPath.hookedAt(api, hook.url()).filter(p -> p == LoadtesterPath.GATE_CHECK).isPresent());
        if (!readHere) {
            return Optional.empty();
        }
        return minter.links(canary.id(), runId, gate).map(pair -> new GateActionLinks(pair.approve(), pair.rollback()));
    }
}

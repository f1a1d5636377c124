package dev.flagstep.analysis;

import dev.flagstep.gate.GateOutcome;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.HookType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The end of a Flagger tick once the checks passed: the strategy step ({@code runCanary},
 * {@code runAB}, {@code runBlueGreen}) with its confirm-traffic-increase and confirm-promotion gates.
 * Gates are I/O, so this is two calls: {@link #plan} may answer {@link Step.NeedsGate}; the handler
 * runs that gate's hooks and calls {@link #afterGate} with their outcome.
 */
public final class CanaryStep {

    private CanaryStep() {}

    /** Which checks a Progressing/WaitingPromotion tick runs after the threshold check. */
    public enum Checks {
        /** "Starting canary analysis for ...", then the pre-rollout hooks. */
        PRE_ROLLOUT,
        /** The rollout hooks, then the metric checks. */
        ANALYSIS
    }

    /**
     * Flagger starts (or restarts) the analysis when the router sends the canary nothing, no
     * iteration has run and traffic is not being mirrored for a mirroring analysis. This is why
     * blue/green with {@code iterations: 1} re-runs pre-rollout after a closed confirm-promotion:
     * WaitingPromotion sets iterations to 0.
     */
    public static Checks checks(Analysis analysis, CanaryStatus status, Routes routes) {
        boolean mirroring = analysis.mirror() && routes.mirrored();
        return routes.canary() == 0 && status.iterations() == 0 && !mirroring ? Checks.PRE_ROLLOUT : Checks.ANALYSIS;
    }

    /** The strategy step after a passing analysis; {@code routes} are what the router reports now. */
    public static Step plan(TickContext ctx, CanaryStatus status, Routes routes, Instant now) {
        List<Message> messages = new ArrayList<>(kubernetesWarnings(ctx));
        int n = ctx.iterations();
        FlaggerMessages m = ctx.messages();
        return switch (ctx.strategy()) {
            case AB_TESTING -> status.iterations() < n
                    ? proceed(status.withIterations(status.iterations() + 1, now), Optional.of(Routes.allCanary()),
                            add(messages, m.advanceIteration(status.iterations() + 1, n)))
                    : new Step.NeedsGate(HookType.CONFIRM_PROMOTION, status, Step.Notes.of(messages));
            case BLUE_GREEN -> {
                if (status.iterations() >= n) {
                    yield new Step.NeedsGate(HookType.CONFIRM_PROMOTION, status, Step.Notes.of(messages));
                }
                // mirror for the whole blue/green test, where the router can
                Optional<Routes> mirror = !ctx.kubernetes() && ctx.analysis().mirror() && !routes.mirrored()
                        ? Optional.of(new Routes(Weights.TOTAL, 0, true))
                        : Optional.empty();
                yield proceed(status.withIterations(status.iterations() + 1, now), mirror,
                        add(messages, m.advanceIteration(status.iterations() + 1, n)));
            }
            case CANARY -> {
                if (Weights.nextStepWeight(ctx.analysis(), routes.canary()) <= 0) {
                    yield new Step.Hold(status, Step.Notes.of(messages));
                }
                // confirm-traffic-increase gates every step, promotion included, but not while mirroring
                // or once promotion is under way
                boolean gated = !routes.mirrored()
                        && status.phase() != CanaryPhase.PROMOTING
                        && status.phase() != CanaryPhase.WAITING_PROMOTION
                        && status.phase() != CanaryPhase.FINALISING;
                yield gated
                        ? new Step.NeedsGate(HookType.CONFIRM_TRAFFIC_INCREASE, status, Step.Notes.of(messages))
                        : runCanary(ctx, status, routes, messages, now);
            }
        };
    }

    /** Continue a tick after the hooks of {@code gate} answered {@code outcome}. */
    public static Step afterGate(
            TickContext ctx, CanaryStatus status, Routes routes, HookType gate, GateOutcome outcome, Instant now) {
        FlaggerMessages m = ctx.messages();
        List<Message> messages = new ArrayList<>();
        return switch (gate) {
            case CONFIRM_TRAFFIC_INCREASE -> {
                outcome.passed().forEach(h -> messages.add(m.confirmTrafficIncreasePassed(h)));
                if (outcome instanceof GateOutcome.Closed closed) {
                    // no phase change, no failed check: the analysis keeps running, and warns every tick
                    messages.add(m.waitingForTrafficIncreaseApproval(closed.hook()));
                    yield new Step.Halted(status,
                            new Step.Notes(messages, alertUnlessMuted(closed, FlaggerMessages.Alerts.WAITING_FOR_TRAFFIC_INCREASE)));
                }
                yield runCanary(ctx, status, routes, messages, now);
            }
            case CONFIRM_PROMOTION -> {
                outcome.passed().forEach(h -> messages.add(m.confirmPromotionPassed(h)));
                if (outcome instanceof GateOutcome.Closed closed) {
                    yield promotionRefused(ctx, status, closed, messages, now);
                }
                yield promotionApproved(ctx, status, messages, now);
            }
            default -> throw new IllegalArgumentException("not a strategy gate: " + gate);
        };
    }

    private static Step runCanary(TickContext ctx, CanaryStatus status, Routes routes, List<Message> messages,
            Instant now) {
        return switch (Weights.advance(ctx.analysis(), routes)) {
            case Weights.CanaryAdvance.Advance(Routes next) -> proceed(status.withCanaryWeight(next.canary(), now),
                    Optional.of(next), add(messages, ctx.messages().advanceCanaryWeight(next.canary())));
            case Weights.CanaryAdvance.Promote p ->
                    new Step.NeedsGate(HookType.CONFIRM_PROMOTION, status, Step.Notes.of(messages));
            case Weights.CanaryAdvance.Hold h -> new Step.Hold(status, Step.Notes.of(messages));
        };
    }

    /**
     * The first refusal moves to WaitingPromotion (weight 0, iterations = N-1) with one warning and
     * alert; later refusals only reset iterations to N-1, silently, so A/B and blue/green re-run
     * their last iteration and ask again.
     */
    private static Step promotionRefused(TickContext ctx, CanaryStatus status, GateOutcome.Closed closed,
            List<Message> messages, Instant now) {
        if (status.phase() != CanaryPhase.WAITING_PROMOTION) {
            messages.add(ctx.messages().waitingForPromotionApproval(closed.hook()));
            return new Step.Halted(status.setPhase(CanaryPhase.WAITING_PROMOTION, ctx.phaseContext(), now),
                    new Step.Notes(messages, alertUnlessMuted(closed, FlaggerMessages.Alerts.WAITING_FOR_PROMOTION)));
        }
        return new Step.Halted(status.withIterations(ctx.phaseContext().analysisIterations() - 1, now),
                Step.Notes.of(messages));
    }

    private static Step promotionApproved(TickContext ctx, CanaryStatus status, List<Message> messages, Instant now) {
        int n = ctx.iterations();
        FlaggerMessages m = ctx.messages();
        return switch (ctx.strategy()) {
            case BLUE_GREEN -> {
                if (status.iterations() < n) {
                    yield new Step.Hold(status, Step.Notes.of(messages));
                }
                if (status.iterations() == n) {
                    // first approval: switch all traffic to the canary, ask again next tick
                    Optional<Routes> switchAll = Optional.empty();
                    if (!ctx.kubernetes()) {
                        messages.add(ctx.analysis().mirror()
                                ? m.stopMirroringRouteAllTrafficToCanary()
                                : m.routingAllTrafficToCanary());
                        switchAll = Optional.of(Routes.allCanary());
                    }
                    yield proceed(status.withIterations(n + 1, now), switchAll, messages);
                }
                yield promote(ctx, status, messages, now);
            }
            // Flagger promotes an A/B canary only at exactly N iterations
            case AB_TESTING -> status.iterations() == n
                    ? promote(ctx, status, messages, now)
                    : new Step.Hold(status, Step.Notes.of(messages));
            case CANARY -> promote(ctx, status, messages, now);
        };
    }

    private static Step promote(TickContext ctx, CanaryStatus status, List<Message> messages, Instant now) {
        messages.add(ctx.messages().copyingTemplate());
        return new Step.Promote(status.setPhase(CanaryPhase.PROMOTING, ctx.phaseContext(), now), Step.Notes.of(messages));
    }

    /** Flagger warns about the kubernetes provider's overrides on every tick that reaches the strategy. */
    private static List<Message> kubernetesWarnings(TickContext ctx) {
        if (!ctx.kubernetes()) {
            return List.of();
        }
        List<Message> warnings = new ArrayList<>();
        if (!ctx.analysis().match().isEmpty()) {
            warnings.add(ctx.messages().abTestingNotSupportedOnKubernetes());
        }
        if (ctx.analysis().iterations() < 1) {
            warnings.add(ctx.messages().progressiveTrafficNotSupportedOnKubernetes());
            warnings.add(ctx.messages().settingIterationsTo10());
        }
        return warnings;
    }

    private static List<Alert> alertUnlessMuted(GateOutcome.Closed closed, String text) {
        return closed.muteAlert() ? List.of() : List.of(new Alert(Alert.Severity.WARN, text));
    }

    private static Step proceed(CanaryStatus status, Optional<Routes> routes, List<Message> messages) {
        return new Step.Proceed(status, routes, Step.Notes.of(messages));
    }

    private static List<Message> add(List<Message> messages, Message message) {
        messages.add(message);
        return messages;
    }
}

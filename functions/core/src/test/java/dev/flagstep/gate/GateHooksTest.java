package dev.flagstep.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Flagger's reading of gate webhooks, for every pattern of answers of up to three hooks. */
class GateHooksTest {

    private static Webhook hook(String name, HookType type, boolean muteAlert) {
        return new Webhook(name, type, URI.create("http://127.0.0.1/" + name), Duration.ofSeconds(10), 0, false, muteAlert,
                Map.of());
    }

    private static final List<Webhook> CONFIRM = List.of(
            hook("a", HookType.CONFIRM_ROLLOUT, false),
            hook("b", HookType.CONFIRM_ROLLOUT, true),
            hook("c", HookType.CONFIRM_ROLLOUT, false));
    private static final List<Webhook> ROLLBACK = List.of(
            hook("a", HookType.ROLLBACK, false),
            hook("b", HookType.ROLLBACK, false),
            hook("c", HookType.ROLLBACK, false));

    /** Passes for the hooks named in {@code passing}; records which hooks were asked. */
    private record Answers(Set<String> passing, List<String> asked) implements Predicate<Webhook> {
        Answers(Set<String> passing) {
            this(passing, new ArrayList<>());
        }

        @Override
        public boolean test(Webhook hook) {
            asked.add(hook.name());
            return passing.contains(hook.name());
        }
    }

    private static List<Set<String>> everyPattern() {
        List<Set<String>> patterns = new ArrayList<>();
        for (int bits = 0; bits < 8; bits++) {
            Set<String> passing = new java.util.TreeSet<>();
            for (int i = 0; i < 3; i++) {
                if ((bits & (1 << i)) != 0) {
                    passing.add(String.valueOf((char) ('a' + i)));
                }
            }
            patterns.add(passing);
        }
        return patterns;
    }

    @Test
    void noHooksMeansOpenAndNoRollback() {
        assertThat(GateHooks.confirm(List.of(), h -> false)).isEqualTo(new GateOutcome.Open(List.of()));
        assertThat(GateHooks.rollback(List.of(), h -> true)).isEqualTo(new RollbackCheck(List.of(), Optional.empty()));
    }

    @Test
    void theFirstConfirmHookThatDoesNotPassClosesTheGateAndNoLaterHookIsAsked() {
        for (Set<String> passing : everyPattern()) {
            Answers answers = new Answers(passing);
            GateOutcome outcome = GateHooks.confirm(CONFIRM, answers);
            Optional<Webhook> refusing = CONFIRM.stream().filter(h -> !passing.contains(h.name())).findFirst();
            int stop = refusing.map(CONFIRM::indexOf).orElse(CONFIRM.size() - 1);
            List<String> before = CONFIRM.subList(0, refusing.map(CONFIRM::indexOf).orElse(CONFIRM.size()))
                    .stream().map(Webhook::name).toList();
            GateOutcome expected = refusing
                    .<GateOutcome>map(h -> new GateOutcome.Closed(before, h.name(), h.muteAlert()))
                    .orElse(new GateOutcome.Open(before));
            assertThat(outcome).as("passing %s", passing).isEqualTo(expected);
            assertThat(answers.asked()).as("asked, passing %s", passing)
                    .isEqualTo(CONFIRM.subList(0, stop + 1).stream().map(Webhook::name).toList());
        }
    }

    @Test
    void aClosedGateCarriesTheRefusingHooksMuteAlertFlag() {
        assertThat(GateHooks.confirm(CONFIRM, new Answers(Set.of("a")))).isEqualTo(new GateOutcome.Closed(List.of("a"), "b", true));
        assertThat(GateHooks.confirm(CONFIRM, new Answers(Set.of()))).isEqualTo(new GateOutcome.Closed(List.of(), "a", false));
    }

    @Test
    void theFirstRollbackHookThatPassesSignalsARollbackAndNoLaterHookIsAsked() {
        for (Set<String> passing : everyPattern()) {
            Answers answers = new Answers(passing);
            RollbackCheck check = GateHooks.rollback(ROLLBACK, answers);
            Optional<Webhook> signaling = ROLLBACK.stream().filter(h -> passing.contains(h.name())).findFirst();
            int quiet = signaling.map(ROLLBACK::indexOf).orElse(ROLLBACK.size());
            List<String> notSignaling = ROLLBACK.subList(0, quiet).stream().map(Webhook::name).toList();
            assertThat(check).as("passing %s", passing)
                    .isEqualTo(new RollbackCheck(notSignaling, signaling.map(Webhook::name)));
            assertThat(answers.asked()).as("asked, passing %s", passing).isEqualTo(
                    ROLLBACK.subList(0, Math.min(quiet + 1, ROLLBACK.size())).stream().map(Webhook::name).toList());
        }
    }
}

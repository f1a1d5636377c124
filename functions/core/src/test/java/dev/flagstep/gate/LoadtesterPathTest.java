package dev.flagstep.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.HookType;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** flagger-loadtester's gate paths and what each answers, for every hook type and every set of open gates. */
class LoadtesterPathTest {

    /** The gate handlers of flagger-loadtester's {@code pkg/loadtester/server.go}. */
    private static final Set<String> LOADTESTER = Set.of("/gate/approve", "/gate/halt", "/gate/check", "/gate/open",
            "/gate/close", "/rollback/check", "/rollback/open", "/rollback/close");

    @Test
    void theListIsTheLoadtestersGatePaths() {
        assertThat(Arrays.stream(LoadtesterPath.values()).map(LoadtesterPath::path)).containsExactlyInAnyOrderElementsOf(LOADTESTER);
        for (LoadtesterPath p : LoadtesterPath.values()) {
            String[] parts = p.path().substring(1).split("/");
            assertThat(LoadtesterPath.of(parts[0], parts[1])).contains(p);
        }
        assertThat(LoadtesterPath.of("rollback", "approve")).isEmpty();
        assertThat(LoadtesterPath.of("rollback", "halt")).isEmpty();
        assertThat(LoadtesterPath.of("gate", "nope")).isEmpty();
        assertThat(LoadtesterPath.of("canaries", "check")).isEmpty();
        assertThat(LoadtesterPath.of("gate", "CHECK")).isEmpty();
    }

    @Test
    void onlyTheChecksApproveAndHaltAreReadOnly() {
        assertThat(LoadtesterPath.readOnlyPaths())
                .containsExactly("/gate/check", "/gate/approve", "/gate/halt", "/rollback/check");
    }

    @Test
    void gatePathsUseTheLoadtesterGateAndRollbackPathsTheRollbackGate() {
        CanaryId podinfo = new CanaryId("test", "podinfo");
        for (LoadtesterPath p : LoadtesterPath.values()) {
            Optional<GateType> expected = switch (p.path()) {
                case "/gate/approve", "/gate/halt" -> Optional.empty();
                case "/rollback/check", "/rollback/open", "/rollback/close" -> Optional.of(GateType.ROLLBACK);
                default -> Optional.of(GateType.LOADTESTER);
            };
            assertThat(p.gate()).as(p.path()).isEqualTo(expected);
            if (expected.isPresent()) {
                assertThat(p.key(podinfo).key())
                        .isEqualTo(expected.get() == GateType.ROLLBACK ? "rollback.podinfo.test" : "podinfo.test");
            } else {
                assertThatThrownBy(() -> p.key(podinfo)).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    /** Every subset of the five gates. */
    private static List<Set<GateType>> everyOpenSet() {
        List<Set<GateType>> sets = new ArrayList<>();
        GateType[] all = GateType.values();
        for (int bits = 0; bits < (1 << all.length); bits++) {
            Set<GateType> open = EnumSet.noneOf(GateType.class);
            for (int i = 0; i < all.length; i++) {
                if ((bits & (1 << i)) != 0) {
                    open.add(all[i]);
                }
            }
            sets.add(open);
        }
        return sets;
    }

    /** The answer, written out: approve and halt are fixed; a check reads its own gate, and in-process /gate/check also the hook's. */
    private static LoadtesterAnswer expected(LoadtesterPath path, Optional<HookType> hook, Set<GateType> open) {
        return switch (path.path()) {
            case "/gate/approve" -> LoadtesterAnswer.OK;
            case "/gate/halt" -> LoadtesterAnswer.FORBIDDEN;
            case "/rollback/check" -> open.contains(GateType.ROLLBACK) ? LoadtesterAnswer.APPROVED : LoadtesterAnswer.FORBIDDEN;
            case "/gate/check" -> {
                boolean typed = hook.isPresent() && switch (hook.get()) {
                    case CONFIRM_ROLLOUT -> open.contains(GateType.CONFIRM_ROLLOUT);
                    case CONFIRM_TRAFFIC_INCREASE -> open.contains(GateType.CONFIRM_TRAFFIC_INCREASE);
                    case CONFIRM_PROMOTION -> open.contains(GateType.CONFIRM_PROMOTION);
                    case ROLLBACK -> open.contains(GateType.ROLLBACK);
                    default -> false;
                };
                yield open.contains(GateType.LOADTESTER) || typed ? LoadtesterAnswer.APPROVED : LoadtesterAnswer.FORBIDDEN;
            }
            default -> throw new AssertionError(path + " is not read-only");
        };
    }

    @Test
    void everyReadOnlyPathAnswersForEveryHookTypeAndEveryOpenGate() {
        List<Optional<HookType>> hooks = Stream.concat(Stream.of(Optional.<HookType>empty()),
                Arrays.stream(HookType.values()).map(Optional::of)).toList();
        int cases = 0;
        for (LoadtesterPath path : LoadtesterPath.values()) {
            if (!path.readOnly()) {
                assertThatThrownBy(() -> path.check(Optional.empty(), g -> true)).isInstanceOf(IllegalStateException.class);
                continue;
            }
            for (Optional<HookType> hook : hooks) {
                for (Set<GateType> open : everyOpenSet()) {
                    assertThat(path.check(hook, open::contains)).as("%s for %s with %s open", path.path(), hook, open)
                            .isEqualTo(expected(path, hook, open));
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(4 * 9 * 32);
    }

    @Test
    void aCheckReadsOnlyTheGatesItNeedsInOrder() {
        List<GateType> asked = new ArrayList<>();
        LoadtesterPath.GATE_APPROVE.check(Optional.of(HookType.CONFIRM_ROLLOUT), g -> asked.add(g));
        LoadtesterPath.GATE_HALT.check(Optional.of(HookType.CONFIRM_ROLLOUT), g -> asked.add(g));
        assertThat(asked).isEmpty();

        LoadtesterPath.GATE_CHECK.check(Optional.of(HookType.CONFIRM_PROMOTION), g -> {
            asked.add(g);
            return false;
        });
        assertThat(asked).containsExactly(GateType.LOADTESTER, GateType.CONFIRM_PROMOTION);

        asked.clear();
        LoadtesterPath.GATE_CHECK.check(Optional.of(HookType.CONFIRM_PROMOTION), g -> asked.add(g));
        assertThat(asked).as("an open loadtester gate is enough").containsExactly(GateType.LOADTESTER);

        asked.clear();
        LoadtesterPath.ROLLBACK_CHECK.check(Optional.of(HookType.ROLLBACK), g -> {
            asked.add(g);
            return false;
        });
        assertThat(asked).containsExactly(GateType.ROLLBACK);
    }

    @Test
    void aHookIsBuiltInWhenItsUrlIsAReadOnlyPathRightUnderTheApiUrl() {
        for (String api : List.of("https://api.example.com/prod", "https://api.example.com/prod/")) {
            URI apiUrl = URI.create(api);
            for (String path : LoadtesterPath.readOnlyPaths()) {
                assertThat(LoadtesterPath.hookedAt(apiUrl, URI.create("https://api.example.com/prod" + path)))
                        .map(LoadtesterPath::path).contains(path);
            }
            for (String other : List.of("https://api.example.com/prod/gate/open", "https://api.example.com/prod/rollback/close",
                    "https://api.example.com/prod/gate/check?x=1", "https://api.example.com/prod/gate/check/",
                    "https://api.example.com/gate/check", "https://api.example.com/prod2/gate/check",
                    "https://api.example.com/prod.evil/gate/check", "http://api.example.com/prod/gate/check",
                    "http://flagger-loadtester.test/gate/check", "https://api.example.com/prod/")) {
                assertThat(LoadtesterPath.hookedAt(apiUrl, URI.create(other))).as(other).isEmpty();
            }
        }
    }
}

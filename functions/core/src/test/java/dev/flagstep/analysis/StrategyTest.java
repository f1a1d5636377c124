package dev.flagstep.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrategyTest {

    @ParameterizedTest(name = "match={0} iterations={1} provider={2} -> {3} ({4} iterations)")
    @CsvSource({
        // Flagger's DeploymentStrategy(): match && iterations>0 -> A/B; iterations>0 -> B/G; else canary
        "false, 0,  istio,      CANARY,      0",
        "false, 5,  istio,      BLUE_GREEN,  5",
        "true,  5,  istio,      AB_TESTING,  5",
        "true,  0,  istio,      CANARY,      0",
        "false, -1, istio,      CANARY,      -1",
        "true,  3,  gatewayapi:v1, AB_TESTING, 3",
        "false, 0,  nginx,      CANARY,      0",
        // kubernetes: match dropped, iterations forced to 10 when < 1 -> always blue/green
        "false, 0,  kubernetes, BLUE_GREEN,  10",
        "false, -3, kubernetes, BLUE_GREEN,  10",
        "true,  0,  kubernetes, BLUE_GREEN,  10",
        "true,  4,  kubernetes, BLUE_GREEN,  4",
        "false, 1,  kubernetes, BLUE_GREEN,  1",
    })
    void choosesAsFlagger(boolean match, int iterations, String provider, Strategy expected, int effective) {
        Fixtures f = Fixtures.analysis().iterations(iterations);
        if (match) {
            f.match();
        }
        assertThat(Strategy.of(f.build(), provider)).isEqualTo(expected);
        assertThat(Strategy.iterations(f.build(), provider)).isEqualTo(effective);
    }

    @Test
    void kubernetesDropsMatchOnly() {
        var a = Fixtures.analysis().match().iterations(2).build();
        assertThat(Strategy.hasMatch(a, "istio")).isTrue();
        assertThat(Strategy.hasMatch(a, "kubernetes")).isFalse();
    }

    @Test
    void wireNamesAreFlaggers() {
        assertThat(Strategy.CANARY.wireName()).isEqualTo("canary");
        assertThat(Strategy.AB_TESTING.wireName()).isEqualTo("ab-testing");
        assertThat(Strategy.BLUE_GREEN).hasToString("blue-green");
    }
}

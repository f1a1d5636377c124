package dev.flagstep.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchNamespacesTest {

    @Test
    void emptyMeansAllNamespacesThroughOneClusterWideScope() {
        for (String v : new String[] {"", " ", ",", null}) {
            WatchNamespaces w = WatchNamespaces.parse(v);
            assertThat(w.allNamespaces()).isTrue();
            assertThat(w.scopes()).containsExactly(Optional.empty());
            assertThat(w.watches("anything")).isTrue();
        }
        assertThat(WatchNamespaces.fromEnvironment(Map.of()).allNamespaces()).isTrue();
    }

    @Test
    void aCommaListIsOneScopePerNamespace() {
        WatchNamespaces w = WatchNamespaces.fromEnvironment(Map.of("FLAGSTEP_WATCH_NAMESPACES", " test, prod ,,test"));
        assertThat(w.namespaces()).isEqualTo(List.of("test", "prod"));
        assertThat(w.scopes()).containsExactly(Optional.of("test"), Optional.of("prod"));
        assertThat(w.watches("prod")).isTrue();
        assertThat(w.watches("other")).isFalse();
    }

    @Test
    void aNameThatIsNoNamespaceIsRefusedNamingTheSettingWhereItCameFromTheEnvironment() {
        assertThatThrownBy(() -> WatchNamespaces.fromEnvironment(Map.of("FLAGSTEP_WATCH_NAMESPACES", "test,Prod")))
                .hasMessageStartingWith("FLAGSTEP_WATCH_NAMESPACES: ").hasMessageContaining("'Prod'");
        // the command line prefixes its own option's name
        assertThatThrownBy(() -> WatchNamespaces.parse("test,Prod")).hasMessageStartingWith("'Prod' is not a Kubernetes namespace");
    }
}

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
    void aNameThatIsNoNamespaceIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> WatchNamespaces.parse("test,Prod")).hasMessageContaining("FLAGSTEP_WATCH_NAMESPACES")
                .hasMessageContaining("'Prod'");
    }
}

package dev.flagstep.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RFC 1123 rules for namespaces (labels) and names (subdomains), at every boundary. */
class CanaryIdTest {

    private static final String ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";

    @Test
    void namespacesAreRfc1123Labels() {
        List<String> good = new ArrayList<>(List.of("a", "0", "test", "team-a", "a-b-c", "1a", "a1", "a--b", "a".repeat(63)));
        for (char c : ALPHANUMERIC.toCharArray()) {
            good.add(String.valueOf(c));
        }
        for (String ns : good) {
            assertThat(CanaryId.isNamespace(ns)).as(ns).isTrue();
        }
        for (String ns : new String[] {null, "", "a".repeat(64), "-a", "a-", "-", "A", "Test", "a.b", "a_b", "a b", "a/b",
                "ä", "a\n"}) {
            assertThat(CanaryId.isNamespace(ns)).as(String.valueOf(ns)).isFalse();
        }
    }

    @Test
    void namesAreRfc1123Subdomains() {
        for (String name : new String[] {"a", "0", "podinfo", "my.app", "my-app.v2", "a.b.c", "a".repeat(253),
                "a" + "-".repeat(251) + "b", "a..b", "a.-b"}) {
            assertThat(CanaryId.isName(name)).as(name).isTrue();
        }
        for (String name : new String[] {null, "", "a".repeat(254), ".a", "a.", "-a", "a-", "Podinfo", "a_b", "a b", "a/b",
                "a:b", "ä"}) {
            assertThat(CanaryId.isName(name)).as(String.valueOf(name)).isFalse();
        }
    }

    @Test
    void anIdIsValidWhenBothPartsAre() {
        assertThat(new CanaryId("test", "my.app").valid()).isTrue();
        assertThat(new CanaryId("my.test", "app").valid()).as("a namespace has no dots").isFalse();
        assertThat(new CanaryId("test", "").valid()).isFalse();
        assertThat(new CanaryId("", "app").valid()).isFalse();
        assertThat(new CanaryId(null, null).valid()).isFalse();
        assertThat(new CanaryId("a".repeat(63), "b".repeat(253)).valid()).isTrue();
    }
}

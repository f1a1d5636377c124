package dev.flagstep.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.spec.CanaryId;
import org.junit.jupiter.api.Test;

class ExecutionNamesTest {

    private static final CanaryId PODINFO = new CanaryId("test", "podinfo");

    @Test
    void aCleanNameIsKeptAsWritten() {
        assertThat(ExecutionNames.of(PODINFO, "rev-42_a")).isEqualTo("test-podinfo-rev-42_a");
    }

    @Test
    void lossySanitisingAddsAHashSoDifferentRevisionsNeverShareAName() {
        String dots = ExecutionNames.of(PODINFO, "v1.2");
        String dashes = ExecutionNames.of(PODINFO, "v1-2");
        assertThat(dots).matches("test-podinfo-v1-2-[0-9a-f]{8}");
        assertThat(dashes).isEqualTo("test-podinfo-v1-2");
        assertThat(dots).isNotEqualTo(dashes);
    }

    @Test
    void longNamesAreCutTo80WithAHashAndStayDistinct() {
        String a = ExecutionNames.of(PODINFO, "sha256:" + "a".repeat(64));
        String b = ExecutionNames.of(PODINFO, "sha256:" + "a".repeat(63) + "b");
        assertThat(a).hasSize(80).matches("[A-Za-z0-9_-]+").startsWith("test-podinfo-sha256-aaaa");
        assertThat(b).hasSize(80).isNotEqualTo(a);
    }

    @Test
    void dashesInsideNamespaceOrNameCannotMakeTwoCanariesShareAName() {
        String ab = ExecutionNames.of(new CanaryId("a-b", "c"), "r1");
        String bc = ExecutionNames.of(new CanaryId("a", "b-c"), "r1");
        assertThat(ab).startsWith("a-b-c-r1-").isNotEqualTo(bc);
        assertThat(bc).startsWith("a-b-c-r1-");
    }

    @Test
    void theSameInputAlwaysGivesTheSameName() {
        assertThat(ExecutionNames.of(PODINFO, "sha256:abc")).isEqualTo(ExecutionNames.of(PODINFO, "sha256:abc"));
    }

    @Test
    void everyNameOfACanaryStartsWithItsPrefix() {
        CanaryId dotted = new CanaryId("team-a", "web.frontend");
        assertThat(ExecutionNames.of(dotted, "1")).startsWith(ExecutionNames.prefix(dotted));
        assertThat(ExecutionNames.of(dotted, "x".repeat(200))).startsWith(ExecutionNames.prefix(dotted));
        assertThat(ExecutionNames.prefix(PODINFO)).isEqualTo("test-podinfo-");
    }
}

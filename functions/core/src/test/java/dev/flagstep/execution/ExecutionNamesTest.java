package dev.flagstep.execution;

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

    @Test
    void aContinuationCountsGenerationsAfterTheFirstName() {
        assertThat(ExecutionNames.continuation("test-podinfo-6-7-1")).isEqualTo("test-podinfo-6-7-1.1");
        assertThat(ExecutionNames.continuation("test-podinfo-6-7-1.1")).isEqualTo("test-podinfo-6-7-1.2");
        assertThat(ExecutionNames.continuation("test-podinfo-6-7-1.41")).isEqualTo("test-podinfo-6-7-1.42");
    }

    @Test
    void continuationsKeepTheCanarysPrefixAndNeverTakeAPlainName() {
        for (CanaryId id : java.util.List.of(PODINFO, new CanaryId("team-a", "web.frontend"),
                new CanaryId("n".repeat(40), "c".repeat(40)), new CanaryId("a".repeat(63), "b".repeat(200)))) {
            for (String revision : java.util.List.of("1", "v1.2", "sha256:" + "f".repeat(64))) {
                String first = ExecutionNames.of(id, revision);
                assertThat(first).doesNotContain(".");
                String name = first;
                for (int generation = 1; generation <= 3; generation++) {
                    name = ExecutionNames.continuation(name);
                    assertThat(name).as(id + " " + revision).startsWith(ExecutionNames.prefix(id))
                            .hasSizeLessThanOrEqualTo(80).matches("[A-Za-z0-9_.-]+").endsWith("." + generation);
                }
                assertThat(ExecutionNames.continuation(first.substring(0, first.length() - 1) + "x"))
                        .as("another rollout's continuation").isNotEqualTo(ExecutionNames.continuation(first));
            }
        }
    }

    @Test
    void longFirstNamesContinueWithAHashOfTheWholeName() {
        String a = ExecutionNames.of(PODINFO, "sha256:" + "a".repeat(64));
        String b = ExecutionNames.of(PODINFO, "sha256:" + "a".repeat(63) + "b");
        assertThat(a).hasSize(80).startsWith(b.substring(0, 71));
        String next = ExecutionNames.continuation(a);
        assertThat(next).matches("test-podinfo-sha256-a{43}\\.[0-9a-f]{8}\\.1").isNotEqualTo(ExecutionNames.continuation(b));
        assertThat(ExecutionNames.continuation(next)).isEqualTo(next.substring(0, next.length() - 1) + "2");
        // ten million generations still fit in 80 characters
        assertThat(ExecutionNames.continuation(next.substring(0, next.length() - 1) + "9999998")).hasSize(80);
    }

    @Test
    void aNameThisClassDidNotMakeHasNoContinuation() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExecutionNames.continuation("run.x"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExecutionNames.continuation("r".repeat(72) + ".9999999"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRetryHasItsOwnNameUnderTheCanarysPrefixThatContinuesLikeAPlainOne() {
        CanaryId c = new CanaryId("test", "podinfo");
        String first = ExecutionNames.retry(c, "6.7.1", 1);
        assertThat(first).startsWith(ExecutionNames.of(c, "6.7.1") + "-retry1-").hasSize(ExecutionNames.of(c, "6.7.1").length() + 16);
        assertThat(first).startsWith(ExecutionNames.prefix(c)).doesNotContain(".");
        assertThat(ExecutionNames.retry(c, "6.7.1", 2)).isNotEqualTo(first);
        assertThat(ExecutionNames.retry(c, "6.7.2", 1)).isNotEqualTo(first);
        // a revision that spells a retry's suffix still names another execution (the hash covers the attempt)
        assertThat(ExecutionNames.of(c, "6.7.1-retry1-" + first.substring(first.length() - 8))).isNotEqualTo(first);
        assertThat(ExecutionNames.continuation(first)).isEqualTo(first + ".1");
        assertThat(ExecutionNames.retry(c, "6.7.1", 1)).isEqualTo(first);
    }

    @Test
    void aRetryOfALongNameStaysWithin80AndKeepsThePrefixUpTo99Attempts() {
        CanaryId c = new CanaryId("a".repeat(63), "b".repeat(200));
        for (int attempt : new int[] {1, 9, 10, 99}) {
            String name = ExecutionNames.retry(c, "sha256:" + "f".repeat(64), attempt);
            assertThat(name).hasSizeLessThanOrEqualTo(ExecutionNames.MAX_LENGTH).startsWith(ExecutionNames.prefix(c));
            assertThat(ExecutionNames.continuation(name)).startsWith(ExecutionNames.prefix(c));
        }
    }
}

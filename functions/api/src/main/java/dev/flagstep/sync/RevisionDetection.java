package dev.flagstep.sync;

import dev.flagstep.analysis.CanaryStatus;
import java.util.Optional;

/**
 * Flagger's "has the target changed" ({@code pkg/canary/spec.go} {@code hasSpecChanged}) for the sync, pure. The
 * current revision is the checksum of the target's pod template ({@code workload.Revisions}):
 * <ul>
 *   <li>suspended: nothing (Flagger does not even look);
 *   <li>no status, or no checksum recorded yet (a new canary): start, and Initialize onboards it;
 *   <li>a running rollout already rolls out this checksum: nothing (the same detection twice);
 *   <li>the checksum is the one recorded ({@code lastAppliedSpec}) or the promoted one ({@code lastPromotedSpec}:
 *       going back to the promoted template by hand is no new revision, as in Flagger): nothing;
 *   <li>otherwise: start {@code {checksum}-g{generation}}. The execution is named from it, so detecting the same
 *       template twice starts one rollout, while A, then B, then A again (a new generation) analyses A again, as
 *       Flagger does. A change of a tracked ConfigMap or Secret changes the checksum but not the generation, so
 *       when configs are tracked the revision also carries {@code -c{versions}}, from their resourceVersions: a
 *       config edited A, then B, then A again analyses A again too.
 * </ul>
 */
public final class RevisionDetection {

    private RevisionDetection() {}

    public static Detection decide(boolean suspended, String current, long generation, Optional<CanaryStatus> status,
                                   Optional<String> runningRevision) {
        return decide(suspended, current, generation, "", status, runningRevision);
    }

    /** @param configVersions the tracked configs' resourceVersions ({@code TrackedConfigs.versions()}), empty for none */
    public static Detection decide(boolean suspended, String current, long generation, String configVersions,
                                   Optional<CanaryStatus> status, Optional<String> runningRevision) {
        if (suspended) {
            return new Detection.Unchanged("suspended");
        }
        if (runningRevision.filter(r -> r.equals(current) || r.startsWith(current + "-g")).isPresent()) {
            return new Detection.Unchanged("revision " + current + " is rolling out");
        }
        String applied = status.map(CanaryStatus::checksum).orElse("");
        if (applied.isEmpty()) {
            return new Detection.Start(revision(current, generation, configVersions));
        }
        if (current.equals(applied)) {
            return new Detection.Unchanged("no new revision");
        }
        if (current.equals(status.get().promotedChecksum())) {
            return new Detection.Unchanged("back to the promoted revision " + current);
        }
        return new Detection.Start(revision(current, generation, configVersions));
    }

    /** The rollout's revision for a template checksum at a target generation. */
    public static String revision(String checksum, long generation) {
        return checksum + "-g" + generation;
    }

    /** The rollout's revision when configs are tracked: {@link #revision(String, long)} plus their versions' digest. */
    public static String revision(String checksum, long generation, String configVersions) {
        if (configVersions.isEmpty()) return revision(checksum, generation);
        // String.hashCode is specified by the JLS: the same versions give the same name on every JVM
        return revision(checksum, generation) + "-c" + Integer.toUnsignedString(configVersions.hashCode(), 36);
    }
}

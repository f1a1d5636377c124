package dev.flagstep.sync;

import dev.flagstep.analysis.CanaryStatus;
import dev.flagstep.crd.CanaryObjects;
import dev.flagstep.events.CanaryEvent;
import dev.flagstep.spec.CanaryId;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@link CanaryObjects} that only logs what it would write: the sync's wiring until the Kubernetes writer
 * ({@code crd.KubeCanaryObjects}) is wired in its place.
 */
public final class LoggedCanaryObjects implements CanaryObjects {

    private static final Logger LOG = Logger.getLogger(LoggedCanaryObjects.class.getName());

    @Override
    public boolean writeStatus(CanaryId id, CanaryStatus status, Optional<String> invalid) {
        LOG.fine(() -> "status of " + id + ": " + status.phase() + invalid.map(m -> ", Stalled: " + m).orElse(""));
        return false;
    }

    @Override
    public void record(CanaryId id, List<CanaryEvent> events) {
        events.forEach(e -> LOG.fine(() -> "event of " + id + ": " + e.severity() + " " + e.message()));
    }
}

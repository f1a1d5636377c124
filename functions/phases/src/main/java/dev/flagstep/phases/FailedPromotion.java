package dev.flagstep.phases;

import dev.flagstep.analysis.Alert;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.analysis.Message;
import dev.flagstep.analysis.CanaryPhase;
import dev.flagstep.analysis.Routes;

/**
 * Flagger's handleFailedPromotion (#1591, #1898): the primary broke while taking the new template,
 * so all traffic goes to the canary (which already runs it) and the run fails with weight 100. The
 * one failure path that does not end with traffic on the primary, on purpose.
 */
final class FailedPromotion {

    private FailedPromotion() {}

    static PhaseOutput handle(Tick t, String reason) {
        t.io.setRoutes(Routes.allCanary());
        t.update(t.status().sync(CanaryPhase.FAILED, 100, t.status().failedChecks(), 0, t.phaseContext, t.now));
        t.io.publish(Message.warning("Promotion failed! Routing all traffic to canary " + t.spec.targetRef().name()
                + "." + t.spec.id().namespace() + ": primary not ready: " + reason));
        t.alert(new Alert(Alert.Severity.ERROR, FlaggerMessages.Alerts.promotionFailed(reason)));
        return t.finish(Decision.FAILED);
    }
}

package dev.flagstep.phases;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.phases.wiring.LambdaWiring;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import dev.flagstep.webhook.WebhookPayload;
import java.util.concurrent.atomic.AtomicBoolean;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: before Lambda snapshots a container, run the code every invocation needs
 * (parse a canary, read and write the phase JSON, build a webhook body) and build the clients, so
 * a restored container starts warm. No network call is made and nothing time- or credential-bound is
 * created here: the EKS token, AWS credentials and timestamps are all taken on first use.
 */
final class Priming implements Resource {

    private static final AtomicBoolean REGISTERED = new AtomicBoolean();
    private static final Priming INSTANCE = new Priming();

    static final String SAMPLE = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: podinfo, namespace: test}
            spec:
              provider: gatewayapi:v1
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
              service: {port: 9898, gatewayRefs: [{name: public, namespace: gateway}]}
              analysis:
                interval: 1m
                threshold: 5
                stepWeight: 10
                maxWeight: 50
                metrics: [{name: request-success-rate, thresholdRange: {min: 99}, interval: 1m}]
                webhooks: [{name: load-test, type: rollout, url: "http://loadtester.test/", metadata: {cmd: "hey http://podinfo-canary.test:9898/"}}]
            """;

    private Priming() {}

    /** Registers once per container; only the Lambda entry points call this. */
    static void register() {
        if (REGISTERED.compareAndSet(false, true)) {
            Core.getGlobalContext().register(INSTANCE);
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to refresh: tokens and credentials are taken per use
    }

    static void prime() {
        if (new SpecParser().parse(SAMPLE) instanceof SpecResult.Valid v) {
            var canary = v.document().canary();
            FlaggerMessages.of(canary).advanceCanaryWeight(10);
            var hook = canary.analysis().orElseThrow().webhooks().get(0);
            WebhookPayload.forHook(canary.id(), hook, dev.flagstep.analysis.CanaryPhase.PROGRESSING, "prime").toJson();
        }
        ObjectMapper mapper = new ObjectMapper();
        PhaseJson json = new PhaseJson(mapper);
        json.write(PhaseOutput.of(json.read(mapper.createObjectNode()
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("canary", mapper.createObjectNode()
                        .put("namespace", "test").put("name", "podinfo"))
                .put("runId", "prime")), Decision.ADVANCED));
        try {
            LambdaWiring.services();
        } catch (RuntimeException e) {
            // a missing setting shows on the first real invocation, with its own clear error
            System.getLogger("flagstep").log(System.Logger.Level.WARNING, "priming could not build the clients: " + e.getMessage());
        }
        new CanaryId("test", "podinfo").dotted();
    }
}

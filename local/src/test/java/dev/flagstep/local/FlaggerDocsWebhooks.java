package dev.flagstep.local;

/**
 * The webhook block of Flagger's documentation, exactly as its users copy it (cluster-internal URLs, the
 * event receiver's spelling included): what must run unchanged on flagstep.
 */
public final class FlaggerDocsWebhooks {

    private static final String BLOCK = """
            webhooks:
              - name: "start gate"
                type: confirm-rollout
                url: http://flagger-loadtester.test/gate/approve
              - name: "helm test"
                type: pre-rollout
                url: http://flagger-helmtester.flagger/
                timeout: 3m
                metadata: {type: "helmv3", cmd: "test podinfo -n test"}
              - name: "load test"
                type: rollout
                url: http://flagger-loadtester.test/
                timeout: 15s
                metadata: {cmd: "hey -z 1m -q 5 -c 2 http://podinfo-canary.test:9898/"}
              - name: "notify"
                type: post-rollout
                url: http://telegram.bot:8080/
              - name: "rollback gate"
                type: rollback
                url: http://flagger-loadtester.test/rollback/check
              - name: "send to Slack"
                type: event
                url: http://event-recevier.notifications/slack
            """;

    private FlaggerDocsWebhooks() {
    }

    /** The block, each line indented by {@code spaces}. */
    public static String indented(int spaces) {
        return BLOCK.indent(spaces);
    }
}

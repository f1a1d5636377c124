package dev.flagstep.local.e2e;

/** What the tests' webhook receivers answer when they stand in for a Prometheus API. */
public final class Prometheus {

    /** The instant-query path of a Prometheus at the receiver's root. */
    public static final String QUERY = "/api/v1/query";
    /** The query Flagger asks to tell Prometheus is online ({@code vector(1)}), before a canary's first analysis. */
    public static final String ONLINE = QUERY + "?query=vector(1)";

    private Prometheus() {}

    /** Scripts {@code receiver} to answer the online check as a live Prometheus does (1), whatever else it answers. */
    public static void online(dev.flagstep.testing.WebhookReceiver receiver) {
        receiver.script(ONLINE, dev.flagstep.testing.WebhookReceiver.Reply.status(200).body(vector(1)));
    }

    /** An instant-vector answer with one sample, as {@code /api/v1/query} returns it. */
    public static String vector(double value) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1700000000,\""
                + value + "\"]}]}}";
    }
}

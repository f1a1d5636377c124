package dev.flagstep.local.e2e;

/** What the tests' webhook receivers answer when they stand in for a Prometheus API. */
public final class Prometheus {

    /** The instant-query path of a Prometheus at the receiver's root. */
    public static final String QUERY = "/api/v1/query";

    private Prometheus() {}

    /** An instant-vector answer with one sample, as {@code /api/v1/query} returns it. */
    public static String vector(double value) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1700000000,\""
                + value + "\"]}]}}";
    }
}

package dev.flagstep.metrics;

/** Response bodies in the exact shapes of Prometheus' HTTP API ({@code /api/v1/query}). */
final class PromJson {

    private PromJson() {}

    /** An instant vector with one series per value. */
    static String vector(String... values) {
        StringBuilder series = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                series.append(',');
            }
            series.append("{\"metric\":{\"pod\":\"podinfo-").append(i).append("\"},\"value\":[1795521600.123,\"")
                    .append(values[i]).append("\"]}");
        }
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + series + "]}}";
    }

    static String matrix() {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"pod\":\"podinfo-1\"},"
                + "\"values\":[[1795521540,\"99.1\"],[1795521600,\"99.5\"]]}]}}";
    }

    static String scalar(String value) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1795521600.123,\"" + value + "\"]}}";
    }

    static String error(String type, String message) {
        return "{\"status\":\"error\",\"errorType\":\"" + type + "\",\"error\":\"" + message + "\"}";
    }
}

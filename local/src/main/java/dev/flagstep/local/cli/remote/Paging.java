package dev.flagstep.local.cli.remote;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code --limit} and {@code --cursor} as the API's {@code limit}/{@code cursor}, and the {@code next} hint. */
final class Paging {

    static final int DEFAULT_LIMIT = 20;

    private Paging() {}

    /** {@code ?limit=N[&cursor=C]}. */
    static String query(Invocation in) {
        int limit = in.args().intOption("limit", DEFAULT_LIMIT);
        return "?limit=" + limit + in.args().option("cursor").map(c -> "&cursor=" + ListVerb.enc(c)).orElse("");
    }

    /** As {@link #query(Invocation)}, plus {@code &param=V} when option {@code option} is given. */
    static String query(Invocation in, String option, String param) {
        return query(in) + in.args().option(option).map(v -> "&" + param + "=" + ListVerb.enc(v)).orElse("");
    }

    static void next(Invocation in, JsonNode page) {
        String next = page.path("next").asText("");
        if (!next.isEmpty()) {
            in.out().println("(more: --cursor " + next + ")");
        }
    }
}

package dev.flagstep.local.sim;

import java.util.List;
import java.util.Map;

/** The mock API behind {@link ApiFront}: one request, its whole answer. */
@FunctionalInterface
interface Upstream {

    ApiFront.Reply send(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body);

    default ApiFront.Reply get(String pathAndQuery) {
        return send("GET", pathAndQuery, Map.of("Accept", List.of("application/json")), new byte[0]);
    }
}

package dev.flagstep.gate;

/**
 * What flagger-loadtester's gate paths answer ({@code pkg/loadtester/server.go}), status and body:
 * the checks {@code 200 "Approved"} or {@code 403 "Forbidden"}, approve {@code 200 "OK"}, halt
 * {@code 403 "Forbidden"}, open and close {@code 202} with no body, a body that is not a webhook
 * payload {@code 400} with no body.
 */
public enum LoadtesterAnswer {
    APPROVED(200, "Approved"),
    FORBIDDEN(403, "Forbidden"),
    OK(200, "OK"),
    ACCEPTED(202, ""),
    BAD_REQUEST(400, "");

    private final int status;
    private final String body;

    LoadtesterAnswer(int status, String body) {
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    /** The text body; empty for the answers the loadtester sends without one. */
    public String body() {
        return body;
    }

    /**
     * True when a webhook that got this answer passed: Flagger reads any status up to 202 as a pass, so
     * a confirm-* gate is open and a rollback hook signals a rollback.
     */
    public boolean passes() {
        return status <= 202;
    }
}

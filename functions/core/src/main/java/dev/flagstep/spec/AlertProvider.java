package dev.flagstep.spec;

import java.util.Optional;

/**
 * A Flagger {@code AlertProvider} shipped beside the Canary that names it in {@code analysis.alerts[].providerRef}:
 * where and how its alerts are posted. Flagger's defaults are applied when the alert is sent, not here, so the
 * document says what the user wrote.
 *
 * @param type      {@code slack}, {@code msteams}, {@code discord}, {@code rocket} or {@code gchat}
 * @param address   the hook URL (ignored when {@code secretRef} is set, as in Flagger)
 * @param proxy     an HTTP(S) proxy for the POST
 * @param secretRef a secret of the canary's namespace whose {@code address} (and {@code token}) keys win
 */
public record AlertProvider(String namespace, String name, String type, Optional<String> channel,
                            Optional<String> username, Optional<String> address, Optional<String> proxy,
                            Optional<String> secretRef) {

    /** The provider types Flagger's notifier factory knows, as written in {@code spec.type}. */
    public static final java.util.List<String> TYPES = java.util.List.of("slack", "msteams", "discord", "rocket", "gchat");
}

package dev.flagstep.gate;

import java.util.List;
import java.util.Optional;

/**
 * What the rollback hooks of one tick answered, in spec order: the first that passed signals a
 * rollback ({@code signaledBy}) and Flagger asks no further; the ones before it are "not signaling a
 * rollback", reported by name.
 */
public record RollbackCheck(List<String> notSignaling, Optional<String> signaledBy) {

    public RollbackCheck {
        notSignaling = List.copyOf(notSignaling);
    }
}

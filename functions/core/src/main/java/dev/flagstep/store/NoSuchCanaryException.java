package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;

/** The canary has no document in the store. */
public class NoSuchCanaryException extends StoreException {

    public NoSuchCanaryException(String operation, CanaryId canary) {
        super(operation, canary, "no such canary");
    }
}

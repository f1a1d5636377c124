package dev.flagstep.store;

import dev.flagstep.spec.CanaryId;

/**
 * An atomic write kept losing to other writers of the same canary (DynamoDB cancelled its transaction
 * for conflicts every time it was tried): nothing was written, and trying again later may succeed.
 */
public class StoreContentionException extends StoreException {

    public StoreContentionException(String operation, CanaryId canary) {
        super(operation, canary, "too many concurrent writers, gave up");
    }
}

package dev.flagstep.net;

/** A request to an address the {@link AddressGuard}'s policy refuses; the message says which and why. */
public final class RefusedAddressException extends RuntimeException {

    public RefusedAddressException(String message) {
        super(message, null, false, false);
    }
}

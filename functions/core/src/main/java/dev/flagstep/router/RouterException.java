package dev.flagstep.router;

/** The router cannot work with the objects it found (missing backend, unreadable annotation, unsupported feature). */
public final class RouterException extends RuntimeException {
    public RouterException(String message) {
        super(message);
    }
}

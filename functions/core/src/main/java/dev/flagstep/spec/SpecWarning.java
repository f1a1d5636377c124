package dev.flagstep.spec;

/**
 * A field of a valid canary document that has no effect for its provider: Flagger accepts and ignores it, so
 * flagstep accepts it too and says so, naming the field ({@code upstreamRef}) and why.
 */
public record SpecWarning(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}

package dev.flagstep.spec;

/** One problem in a canary document: where ({@code analysis.webhooks[2].url}) and what, in a plain sentence. */
public record SpecError(String path, String message) {

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}

package dev.flagstep.metrics;

/** A query template that cannot be rendered; the message names the function or variable at fault. */
public final class TemplateException extends RuntimeException {

    public TemplateException(String message) {
        super(message);
    }
}

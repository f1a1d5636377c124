package dev.flagstep.api;

import java.util.function.Supplier;

/**
 * A value built on first use, then kept for the container's life. AWS clients are built this way:
 * never in static init, and not before SnapStart's snapshot, so no credentials or connections are
 * frozen into it.
 */
public final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> factory;
    private volatile T value;

    private Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    public static <T> Lazy<T> of(Supplier<T> factory) {
        return new Lazy<>(factory);
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = factory.get();
                    value = v;
                }
            }
        }
        return v;
    }
}

package dev.flagstep.store;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing. {@code next} is an opaque cursor, present only when more items follow; pass
 * it back unchanged to get the next page.
 */
public record Page<T>(List<T> items, Optional<String> next) {

    public Page {
        items = List.copyOf(items);
    }
}

package dev.flagstep.store;

/**
 * A value together with the item version it was read at. Writers hand the version back so the store
 * can refuse a write based on a stale read (optimistic locking).
 */
public record Versioned<T>(T value, long version) {}

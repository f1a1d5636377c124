package dev.flagstep.store;

/**
 * Everything flagstep keeps about its canaries, for the few callers that need all of it (the
 * wirings, and tests that wrap the whole store): callers take the narrow port they use. Every write
 * that races another (two ticks of one rollout, two starts of one canary, an open against a park) is
 * decided by the store atomically, so callers read, decide, and write with the version or claim they
 * read.
 */
public interface CanaryStore extends SpecStore, StatusStore, GateStore, EventHistory, RunStore {}

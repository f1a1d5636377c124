/**
 * Integration tests of the phase handlers over the local adapters: each delivery driven by hand, as Step
 * Functions would send it, against DynamoDB Local and the simulated cluster ({@link dev.flagstep.local.phases.PhaseRig},
 * wired as {@link dev.flagstep.local.LocalRuntime} wires the phases). They live in {@code local} because those
 * servers do (docs/architecture.md, "Where the phases are tested").
 */
package dev.flagstep.local.phases;

/** One Lambda handler per state of statemachine/canary.asl.json. */
package dev.flagstep.phases;

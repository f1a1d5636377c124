/** The deployed stack's {@code flagstep doctor}: a Lambda run with a role mapped like the phases'. */
package dev.flagstep.preflight;

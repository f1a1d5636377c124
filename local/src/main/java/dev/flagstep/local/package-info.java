/** The local runtime: the ASL interpreter, DynamoDB Local, the simulated cluster and the flagstep CLI. */
package dev.flagstep.local;

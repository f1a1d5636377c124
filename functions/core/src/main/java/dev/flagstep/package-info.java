/** flagstep: Flagger-style progressive delivery for EKS on AWS Step Functions. */
package dev.flagstep;

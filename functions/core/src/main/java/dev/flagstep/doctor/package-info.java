/**
 * {@code flagstep doctor}: the checks a new user gets wrong, run with flagstep's own Kubernetes identity. Pure
 * rules ({@link dev.flagstep.doctor.RequiredAccess}) say what each canary needs; adapters ask the cluster
 * (SelfSubjectAccessReview, Services and their Endpoints); every {@link dev.flagstep.doctor.Finding} carries its fix.
 * Nothing here calls a webhook or changes the cluster.
 */
package dev.flagstep.doctor;

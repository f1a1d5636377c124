package dev.flagstep.spec;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a secret reference in a canary document ({@code analysis.webhookSecretRef}, a MetricTemplate's
 * {@code provider.secretRef.name}) may be: the bare name of a secret in the canary's own namespace,
 * as Flagger's references name a Kubernetes Secret of the same namespace. flagstep reads it from
 * {@code {SecretsPrefix}{namespace}/{name}}, so a canary can never name another team's secret: no
 * path separators, no {@code ..}, no ARNs. Pure; the validator and the resolvers share it.
 */
public final class SecretRefs {

    /** Secrets Manager's name characters, without the {@code /} that would leave the namespace. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+=.@-]+");
    /** Secrets Manager names are at most 512 characters, prefix and namespace included. */
    static final int MAX_LENGTH = 256;

    private SecretRefs() {}

    /** Why {@code ref} cannot be used, or empty when it is a bare secret name. */
    public static Optional<String> problem(String ref) {
        if (ref.isBlank()) {
            return Optional.of("must not be empty");
        }
        if (ref.startsWith("arn:") || ref.contains("/") || ref.contains(":") || ref.contains("\\")) {
            return Optional.of(FieldReader.quote(ref) + " is not a bare secret name: a reference names a secret of the "
                    + "canary's own namespace only (flagstep reads {SecretsPrefix}{namespace}/{name}); give just its name");
        }
        if (ref.equals(".") || ref.contains("..")) {
            return Optional.of(FieldReader.quote(ref) + " must not contain \"..\"");
        }
        if (ref.length() > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters, got " + ref.length());
        }
        if (!NAME.matcher(ref).matches()) {
            return Optional.of(FieldReader.quote(ref) + " may only contain letters, digits and _+=.@-");
        }
        return Optional.empty();
    }
}

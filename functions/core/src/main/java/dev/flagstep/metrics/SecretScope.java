package dev.flagstep.metrics;

import dev.flagstep.spec.CanaryId;
import dev.flagstep.spec.SecretRefs;
import java.util.Map;

/**
 * Where a canary's secret references point: {@code {prefix}{namespace}/{name}}, the canary's own
 * namespace only. In AWS the prefix is the stack's {@code SecretsPrefix} (never empty, so a canary
 * cannot reach secrets outside it, and namespaces cannot reach each other's); the local runtime uses
 * no prefix ({@code test/prom-auth}). References are checked again here, not only at validation,
 * because a document stored before the rule existed may still hold an ARN or a path.
 */
public record SecretScope(String prefix) {

    public SecretScope {
        if (prefix.contains("..")) {
            throw new IllegalArgumentException("secrets prefix must not contain \"..\": " + prefix);
        }
    }

    /** The local runtime's scope: {@code {namespace}/{name}}. */
    public static SecretScope unprefixed() {
        return new SecretScope("");
    }

    /**
     * The AWS scope from {@code SECRETS_PREFIX} (template parameter {@code SecretsPrefix}).
     *
     * @throws IllegalStateException when it is unset or empty: an empty prefix would let any canary
     *     name any secret the functions' role can read
     */
    public static SecretScope fromEnvironment(Map<String, String> env) {
        String prefix = env.getOrDefault("SECRETS_PREFIX", "");
        if (prefix.isBlank()) {
            throw new IllegalStateException("environment variable SECRETS_PREFIX is not set or empty (template.yaml "
                    + "parameter SecretsPrefix): canary secrets are read from {SecretsPrefix}{namespace}/{name} only");
        }
        return new SecretScope(prefix);
    }

    /**
     * The secret id a canary of {@code namespace} means by {@code ref}.
     *
     * @throws MetricQueryException when {@code ref} is not a bare name of the canary's namespace
     */
    public String secretId(String namespace, String ref) {
        if (!CanaryId.isNamespace(namespace)) {
            throw new MetricQueryException("secret " + ref + " cannot be scoped: " + namespace + " is not a Kubernetes namespace");
        }
        SecretRefs.problem(ref).ifPresent(p -> {
            throw new MetricQueryException("secret reference " + p);
        });
        return prefix + namespace + "/" + ref;
    }
}

package dev.flagstep.phases.wiring;

import dev.flagstep.metrics.MetricQueryException;
import dev.flagstep.metrics.SecretResolver;
import dev.flagstep.metrics.SecretScope;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.webhook.SigningSecret;
import java.util.Map;
import java.util.Optional;

/**
 * The key that signs a canary's webhook bodies: its {@code analysis.webhookSecretRef}, read from
 * {@code {SecretsPrefix}{namespace}/{name}} of the canary's own namespace, else the stack's default
 * ({@code WebhookSecretArn}, chosen by the operator, not by canaries), else none. The key is the
 * secret's {@code secret} value, or its only value. Resolved on use, so a rotated secret is picked up.
 */
public final class SigningSecrets {

    private SigningSecrets() {}

    /** Canary references only, no stack default (the local runtime). */
    public static Services.SecretLookup from(SecretResolver resolver, SecretScope scope) {
        return from(resolver, scope, Optional.empty());
    }

    /**
     * @param stackDefault a secret id (ARN) for canaries that name no secret of their own
     */
    public static Services.SecretLookup from(SecretResolver resolver, SecretScope scope, Optional<String> stackDefault) {
        return (CanaryId canary, Optional<String> ref) -> {
            Optional<String> id = ref.map(r -> scope.secretId(canary.namespace(), r)).or(() -> stackDefault);
            return id.map(secretId -> key(secretId, resolver.resolve(secretId)));
        };
    }

    private static SigningSecret key(String secretId, Map<String, String> values) {
        String key = values.get("secret");
        if (key == null && values.size() == 1) {
            key = values.values().iterator().next();
        }
        if (key == null || key.isEmpty()) {
            // as the resolver reports an unusable secret (not PhaseException: the wiring sits below the phases)
            throw new MetricQueryException("webhook secret " + secretId + " has no \"secret\" key");
        }
        return SigningSecret.of(key);
    }
}

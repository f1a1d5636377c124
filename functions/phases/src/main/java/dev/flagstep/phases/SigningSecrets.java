package dev.flagstep.phases;

import dev.flagstep.metrics.SecretResolver;
import dev.flagstep.webhook.SigningSecret;
import java.util.Map;
import java.util.Optional;

/**
 * {@code analysis.webhookSecretRef} to the HMAC key: the secret's {@code secret} key, or its only
 * value (a plain-text Secrets Manager secret). Resolved on use, so a rotated secret is picked up.
 */
public final class SigningSecrets {

    private SigningSecrets() {}

    public static Services.SecretLookup from(SecretResolver resolver) {
        return ref -> {
            Map<String, String> values = resolver.resolve(ref);
            String key = values.get("secret");
            if (key == null && values.size() == 1) {
                key = values.values().iterator().next();
            }
            if (key == null || key.isEmpty()) {
                throw new PhaseException("webhook secret " + ref + " has no \"secret\" key");
            }
            return Optional.of(SigningSecret.of(key));
        };
    }
}

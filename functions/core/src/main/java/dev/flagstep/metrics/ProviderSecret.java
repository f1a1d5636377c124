package dev.flagstep.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A template's {@code provider.secretRef} as a provider reads it: resolved on every query (a rotated
 * secret is picked up), with the keys Flagger's provider requires; a missing one is named.
 *
 * @param provider the provider type, as errors name it
 * @param ref      the scoped secret id, when the template has a {@code secretRef}
 */
record ProviderSecret(String provider, Optional<String> ref, SecretResolver resolver) {

    /** The secret, which must exist and hold every key of {@code keys}. */
    Map<String, String> require(List<String> keys) {
        String id = ref.orElseThrow(() -> new MetricQueryException(provider + " provider needs provider.secretRef: a secret with "
                + String.join(", ", keys)));
        return withKeys(id, keys);
    }

    /** The secret when the template has one, then holding every key of {@code keys}; else empty (no auth). */
    Optional<Map<String, String>> optional(List<String> keys) {
        return ref.map(id -> withKeys(id, keys));
    }

    private Map<String, String> withKeys(String id, List<String> keys) {
        Map<String, String> secret = resolver.resolve(id);
        for (String key : keys) {
            if (!secret.containsKey(key)) {
                // Flagger's words, plus which secret
                throw new MetricQueryException(provider + " credentials does not contain " + key + " (secret " + id + ")");
            }
        }
        return secret;
    }
}

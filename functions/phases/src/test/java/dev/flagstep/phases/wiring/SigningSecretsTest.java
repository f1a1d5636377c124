package dev.flagstep.phases.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.metrics.MetricQueryException;
import dev.flagstep.metrics.SecretResolver;
import dev.flagstep.metrics.SecretScope;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.webhook.SigningSecret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A canary's signing key comes from its own namespace, else the stack's default, else nowhere. */
class SigningSecretsTest {

    static final CanaryId TEAM_A = new CanaryId("team-a", "podinfo");
    static final String STACK_DEFAULT = "arn:aws:secretsmanager:us-east-1:123456789012:secret:flagstep-webhooks-AbCdEf";

    private final List<String> read = new ArrayList<>();
    private final SecretResolver store = id -> {
        read.add(id);
        return Map.of("secret", "key-of-" + id);
    };

    @Test
    void theCanarysReferenceIsReadFromItsNamespaceUnderThePrefix() {
        var lookup = SigningSecrets.from(store, new SecretScope("flagstep/"), Optional.of(STACK_DEFAULT));

        assertThat(lookup.signingKey(TEAM_A, Optional.of("hmac"))).contains(SigningSecret.of("key-of-flagstep/team-a/hmac"));
        assertThat(read).containsExactly("flagstep/team-a/hmac");
    }

    @Test
    void withoutAReferenceTheStackDefaultSignsAndWithoutOneNothingDoes() {
        assertThat(SigningSecrets.from(store, new SecretScope("flagstep/"), Optional.of(STACK_DEFAULT))
                .signingKey(TEAM_A, Optional.empty())).contains(SigningSecret.of("key-of-" + STACK_DEFAULT));
        assertThat(SigningSecrets.from(store, new SecretScope("flagstep/"))
                .signingKey(TEAM_A, Optional.empty())).isEmpty();
        assertThat(read).containsExactly(STACK_DEFAULT);
    }

    @Test
    void aReferenceLeavingTheNamespaceIsRefusedBeforeAnythingIsRead() {
        var lookup = SigningSecrets.from(store, new SecretScope("flagstep/"), Optional.of(STACK_DEFAULT));

        for (String ref : List.of("team-b/hmac", "../team-b/hmac", STACK_DEFAULT, "/flagstep/team-b/hmac")) {
            assertThatThrownBy(() -> lookup.signingKey(TEAM_A, Optional.of(ref))).as(ref)
                    .isInstanceOf(MetricQueryException.class).hasMessageContaining("is not a bare secret name");
        }
        assertThat(read).isEmpty();
    }

    @Test
    void aSecretWithoutAKeyIsAClearError() {
        var lookup = SigningSecrets.from(id -> Map.of("a", "1", "b", "2"), new SecretScope("flagstep/"));
        assertThatThrownBy(() -> lookup.signingKey(TEAM_A, Optional.of("hmac")))
                .isInstanceOf(MetricQueryException.class).hasMessage("webhook secret flagstep/team-a/hmac has no \"secret\" key");
    }
}

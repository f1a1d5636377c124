package dev.flagstep.spec;

import static dev.flagstep.spec.SpecParserTest.PODINFO;
import static dev.flagstep.spec.SpecParserTest.errors;
import static dev.flagstep.spec.SpecParserTest.valid;
import static dev.flagstep.spec.SpecValidatorTest.template;
import static dev.flagstep.spec.SpecValidatorTest.withAnalysis;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Secret references name a secret of the canary's own namespace, by its bare name, and nothing else. */
class SecretRefsTest {

    final SpecParser parser = new SpecParser();

    @ParameterizedTest
    @ValueSource(strings = {"hmac", "prom-auth", "team_a.key", "a+b=c@d", "x"})
    void bareNamesAreAccepted(String ref) {
        assertThat(SecretRefs.problem(ref)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"team-b/hmac", "/hmac", "flagstep/team-b/hmac", "../team-b/hmac",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prom-auth-AbCdEf", "a:b", "a\\b"})
    void pathsAndArnsAreRefused(String ref) {
        assertThat(SecretRefs.problem(ref)).hasValueSatisfying(p -> assertThat(p).contains("is not a bare secret name")
                .contains("{SecretsPrefix}{namespace}/{name}"));
    }

    @Test
    void dotsEmptinessLengthAndCharacters() {
        assertThat(SecretRefs.problem("..")).contains("\"..\" must not contain \"..\"");
        assertThat(SecretRefs.problem("a..b")).contains("\"a..b\" must not contain \"..\"");
        assertThat(SecretRefs.problem(".")).contains("\".\" must not contain \"..\"");
        assertThat(SecretRefs.problem(" ")).contains("must not be empty");
        assertThat(SecretRefs.problem("a".repeat(257))).contains("must be at most 256 characters, got 257");
        assertThat(SecretRefs.problem("héllo")).contains("\"héllo\" may only contain letters, digits and _+=.@-");
    }

    @Test
    void aWebhookSecretOfAnotherNamespaceIsAnErrorNamingTheField() {
        String doc = withAnalysis("stepWeight: 10\nwebhookSecretRef: team-b/hmac");
        assertThat(errors(parser.parse(doc, PODINFO))).containsExactly("analysis.webhookSecretRef: \"team-b/hmac\" is not a bare "
                + "secret name: a reference names a secret of the canary's own namespace only (flagstep reads "
                + "{SecretsPrefix}{namespace}/{name}); give just its name");
        assertThat(valid(parser.parse(withAnalysis("stepWeight: 10\nwebhookSecretRef: hmac"), PODINFO))
                .canary().analysis().orElseThrow().webhookSecretRef()).contains("hmac");
    }

    @Test
    void aTemplateSecretGivenAsAnArnIsAnErrorNamingTheField() {
        String doc = withAnalysis("stepWeight: 10\nmetrics: [{name: errors, templateRef: {name: errors}, thresholdRange: {max: 1}}]")
                + template("errors", "test", "type: prometheus\naddress: 'http://prometheus:9090'\n"
                        + "secretRef: {name: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prom-auth'}");
        assertThat(errors(parser.parse(doc, PODINFO))).singleElement().asString()
                .startsWith("metricTemplate[errors].spec.provider.secretRef.name: \"arn:aws:secretsmanager:")
                .contains("is not a bare secret name");
    }

    @Test
    void aTemplateSecretWithDotDotIsAnError() {
        String doc = withAnalysis("stepWeight: 10\nmetrics: [{name: errors, templateRef: {name: errors}, thresholdRange: {max: 1}}]")
                + template("errors", "test", "type: prometheus\naddress: 'http://prometheus:9090'\nsecretRef: {name: '..'}");
        assertThat(errors(parser.parse(doc, PODINFO)))
                .containsExactly("metricTemplate[errors].spec.provider.secretRef.name: \"..\" must not contain \"..\"");
    }
}

package dev.flagstep.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** AlertProviders beside a Canary: read with their fields, checked as Flagger's CRD checks them, resolved by providerRef. */
class AlertProviderParsingTest {

    static final String CANARY = """
            apiVersion: flagger.app/v1beta1
            kind: Canary
            metadata: {name: podinfo, namespace: test}
            spec:
              targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
              service: {port: 9898}
              analysis:
                stepWeight: 10
                maxWeight: 50
                alerts:
                  - name: on-call
                    severity: error
                    providerRef: {name: on-call}
            ---
            """;

    static SpecResult parse(String provider) {
        return new SpecParser().parse(CANARY + provider);
    }

    static List<String> errors(SpecResult result) {
        return result instanceof SpecResult.Invalid i ? i.errors().stream().map(e -> e.path() + ": " + e.message()).toList() : List.of();
    }

    @Test
    void aProviderIsReadAndFoundByItsRef() {
        var result = parse("""
                apiVersion: flagger.app/v1beta1
                kind: AlertProvider
                metadata: {name: on-call}
                spec:
                  type: slack
                  channel: on-call-alerts
                  address: https://hooks.slack.com/services/T/B/X
                  proxy: http://proxy:3128
                """);
        assertThat(errors(result)).isEmpty();
        CanaryDocument doc = ((SpecResult.Valid) result).document();
        AlertRef ref = doc.canary().analysis().orElseThrow().alerts().getFirst();
        assertThat(doc.provider(ref)).contains(new AlertProvider("test", "on-call", "slack", Optional.of("on-call-alerts"),
                Optional.empty(), Optional.of("https://hooks.slack.com/services/T/B/X"), Optional.of("http://proxy:3128"),
                Optional.empty()));
    }

    @Test
    void anUnknownTypeIsNamed() {
        assertThat(errors(parse("""
                apiVersion: flagger.app/v1beta1
                kind: AlertProvider
                metadata: {name: on-call}
                spec: {type: pagerduty, address: "https://events.pagerduty.com/x"}
                """))).containsExactly("alertProvider[on-call].spec.type: unknown alert provider type \"pagerduty\"; "
                + "expected one of slack, msteams, discord, rocket, gchat");
    }

    @Test
    void aProviderNeedsAnAddressOrASecretRef() {
        assertThat(errors(parse("""
                apiVersion: flagger.app/v1beta1
                kind: AlertProvider
                metadata: {name: on-call}
                spec: {type: msteams, channel: c}
                """))).containsExactly("alertProvider[on-call].spec.address: required unless secretRef is set: the provider "
                + "needs a hook URL (spec.address, or the key \"address\" of the secret spec.secretRef names)");
        assertThat(errors(parse("""
                apiVersion: flagger.app/v1beta1
                kind: AlertProvider
                metadata: {name: on-call}
                spec: {type: msteams, secretRef: {name: teams-url}}
                """))).isEmpty();
    }

    @Test
    void badAddressesSecretRefsAndFieldsAreNamed() {
        assertThat(errors(parse("""
                apiVersion: flagger.app/v1beta1
                kind: AlertProvider
                metadata: {name: on-call}
                spec: {type: slack, address: "hooks.slack.com/x", secretRef: {name: "team-b/url"}, chanel: x}
                """))).containsExactly(
                "alertProvider[on-call].spec.chanel: unknown field; did you mean \"channel\"?",
                "alertProvider[on-call].spec.address: \"hooks.slack.com/x\" is not an http(s) URL",
                "alertProvider[on-call].spec.secretRef.name: \"team-b/url\" is not a bare secret name: a reference names a "
                        + "secret of the canary's own namespace only (flagstep reads {SecretsPrefix}{namespace}/{name}); give just its name");
    }
}

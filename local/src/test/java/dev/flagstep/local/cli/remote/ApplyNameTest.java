package dev.flagstep.local.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.local.cli.Args;
import dev.flagstep.spec.CanaryId;
import org.junit.jupiter.api.Test;

/** {@code apply -f}: which canary a file is, before anything is sent (the API validates the rest). */
class ApplyNameTest {

    @Test
    void theCanaryManifestAmongTheFilesDocumentsNamesIt() {
        String text = """
                apiVersion: flagger.app/v1beta1
                kind: MetricTemplate
                metadata: {name: latency, namespace: test}
                spec: {provider: {type: prometheus}, query: "1"}
                ---
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata: {name: podinfo, namespace: test}
                spec: {}
                """;

        assertThat(ApplyVerb.named(text, "c.yaml")).isEqualTo(new CanaryId("test", "podinfo"));
    }

    @Test
    void aBareSpecOrAManifestWithoutNamespaceNeedsNamespaceSlashName() {
        assertThatThrownBy(() -> ApplyVerb.named("targetRef: {kind: Deployment, name: podinfo}\n", "spec.yaml"))
                .isInstanceOf(Args.UsageException.class)
                .hasMessage("spec.yaml has no Canary manifest (kind: Canary): give NAMESPACE/NAME for a bare spec");
        assertThatThrownBy(() -> ApplyVerb.named("kind: Canary\nmetadata: {name: podinfo}\n", "c.yaml"))
                .isInstanceOf(Args.UsageException.class)
                .hasMessageContaining("no metadata.namespace or metadata.name");
        assertThatThrownBy(() -> ApplyVerb.named("{not yaml", "c.yaml")).isInstanceOf(Args.UsageException.class);
    }
}

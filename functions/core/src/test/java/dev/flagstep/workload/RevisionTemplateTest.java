package dev.flagstep.workload;

import static dev.flagstep.testing.KubeCanaries.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class RevisionTemplateTest {

    static final String POD = "containers: [{name: app, image: 'podinfo:1'}]";

    static JsonNode template(String nodeSelector) {
        return json("{metadata: {labels: {app: podinfo}}, spec: {" + POD + nodeSelector + "}}");
    }

    static String revision(String kind, JsonNode template) {
        return Revisions.of(RevisionTemplate.of(kind, template));
    }

    @Test
    void theScaleToZeroSelectorIsNoNewRevision() {
        String none = revision("DaemonSet", template(""));
        assertThat(revision("DaemonSet", template(", nodeSelector: {flagger.app/scale-to-zero: 'true'}"))).isEqualTo(none);
        // Flagger's ScaleFromZero leaves an empty map behind
        assertThat(revision("DaemonSet", template(", nodeSelector: {}"))).isEqualTo(none);
    }

    @Test
    void theUsersOwnSelectorStays() {
        String linux = revision("DaemonSet", template(", nodeSelector: {kubernetes.io/os: linux}"));
        assertThat(revision("DaemonSet", template(", nodeSelector: {kubernetes.io/os: linux, flagger.app/scale-to-zero: 'true'}")))
                .isEqualTo(linux);
        assertThat(linux).isNotEqualTo(revision("DaemonSet", template("")));
    }

    @Test
    void theTemplateGivenIsNotChanged() {
        JsonNode t = template(", nodeSelector: {flagger.app/scale-to-zero: 'true'}");
        JsonNode before = t.deepCopy();
        RevisionTemplate.of("DaemonSet", t);
        assertThat(t).isEqualTo(before);
    }

    @Test
    void aDeploymentsTemplateIsHashedAsItIs() {
        JsonNode t = template(", nodeSelector: {flagger.app/scale-to-zero: 'true'}");
        assertThat(RevisionTemplate.of("Deployment", t)).isSameAs(t);
        assertThat(revision("Deployment", t)).isEqualTo(Revisions.of(t)).isNotEqualTo(revision("Deployment", template("")));
    }
}

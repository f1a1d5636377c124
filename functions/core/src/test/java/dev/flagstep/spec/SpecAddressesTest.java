package dev.flagstep.spec;

import static dev.flagstep.spec.SpecParserTest.PODINFO;
import static dev.flagstep.spec.SpecParserTest.errors;
import static dev.flagstep.spec.SpecParserTest.valid;
import static dev.flagstep.spec.SpecValidatorTest.SERVICE;
import static dev.flagstep.spec.SpecValidatorTest.TARGET;
import static dev.flagstep.spec.SpecValidatorTest.template;
import static dev.flagstep.spec.SpecValidatorTest.withAnalysis;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.net.AddressGuard;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The AWS API refuses addresses its functions would refuse, at PUT, with the field's path; without DNS. */
class SpecAddressesTest {

    final SpecParser aws = new SpecParser(SpecValidator.DEFAULT.withAddresses(AddressGuard.aws(Map.of())::refusalWithoutLookup));

    @Test
    void aWebhookAtInstanceMetadataIsAnErrorNamingTheField() {
        String doc = withAnalysis("stepWeight: 10\nwebhooks:\n  - {name: ok, url: 'https://hooks.example.com/x'}\n"
                + "  - {name: imds, url: 'http://169.254.169.254/latest/meta-data/'}\n"
                + "  - {name: local, url: 'http://localhost:8080/gate/check'}");
        assertThat(errors(aws.parse(doc, PODINFO))).containsExactly(
                "analysis.webhooks[1].url: http://169.254.169.254/latest/meta-data/ resolves to a link-local address "
                        + "(169.254.169.254), refused in the AWS deployment",
                "analysis.webhooks[2].url: http://localhost:8080/gate/check resolves to a loopback address (127.0.0.1), "
                        + "refused in the AWS deployment");
    }

    @Test
    void metricsAddressesToo() {
        String doc = TARGET + SERVICE + "metricsServer: http://127.0.0.1:9090\nanalysis:\n  stepWeight: 10\n"
                + "  metrics: [{name: errors, templateRef: {name: errors}, thresholdRange: {max: 1}}]\n"
                + template("errors", "test", "type: prometheus\naddress: 'http://[fd00:ec2::254]/'");
        assertThat(errors(aws.parse(doc, PODINFO))).containsExactly(
                "spec.metricsServer: http://127.0.0.1:9090 resolves to a loopback address (127.0.0.1), refused in the AWS deployment",
                "metricTemplate[errors].spec.provider.address: http://[fd00:ec2::254]/ resolves to an AWS-internal address "
                        + "(fd00:ec2::/16: instance metadata, DNS) (fd00:ec2:0:0:0:0:0:254), refused in the AWS deployment");
    }

    @Test
    void namesAreNotLookedUpAndTheLocalRuntimeAcceptsLoopback() {
        String doc = withAnalysis("stepWeight: 10\nwebhooks:\n  - {name: a, url: 'http://loadtester.test/'}\n"
                + "  - {name: b, url: 'http://127.0.0.1:8080/gate/check'}");
        assertThat(errors(aws.parse(doc, PODINFO))).hasSize(1);
        valid(new SpecParser().parse(doc, PODINFO));
        valid(new SpecParser(SpecValidator.DEFAULT.withAddresses(AddressGuard.local()::refusalWithoutLookup)).parse(doc, PODINFO));
    }

    /** Flagger's own examples: cluster Services, reached through the API server's proxy, are no address to refuse. */
    @Test
    void clusterServiceAddressesAreAccepted() {
        String doc = TARGET + SERVICE + "metricsServer: http://prometheus.istio-system:9090\nanalysis:\n  stepWeight: 10\n"
                + "  webhooks:\n"
                + "    - {name: gate, type: confirm-rollout, url: 'http://flagger-loadtester.test/gate/approve'}\n"
                + "    - {name: helm, type: pre-rollout, url: 'http://flagger-helmtester.flagger/', timeout: 3m}\n"
                + "    - {name: notify, type: post-rollout, url: 'http://telegram.bot:8080/'}\n"
                + "    - {name: local, type: rollout, url: 'http://loadtester/'}\n"
                + "    - {name: svc, type: rollout, url: 'https://loadtester.test.svc.cluster.local:8443/'}\n"
                + "  metrics: [{name: errors, templateRef: {name: errors}, thresholdRange: {max: 1}}]\n"
                + template("errors", "test", "type: prometheus\naddress: 'http://prometheus:9090'");
        valid(aws.parse(doc, PODINFO));
    }
}

package dev.flagstep.local.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small translations of the serve package, without a server. */
class ServeUnitsTest {

    @Test
    void functionNamesArnsAndQualifiersNameTheSameHandler() {
        assertThat(LambdaInvokeApi.shortName("Initialize")).isEqualTo("Initialize");
        assertThat(LambdaInvokeApi.shortName("flagstep-Initialize")).isEqualTo("Initialize");
        assertThat(LambdaInvokeApi.shortName("arn:aws:lambda:local:000000000000:function:flagstep-Analysis")).isEqualTo("Analysis");
        assertThat(LambdaInvokeApi.shortName("arn:aws:lambda:eu-west-1:123456789012:function:flagstep-Promote:live"))
                .isEqualTo("Promote");
    }

    @Test
    void theQueryStringIsDecodedAsApiGatewayDoes() {
        assertThat(LoopbackHttpServer.query("namespace=te%2Fst&limit=5&flag&a=1&a=2&&x=a+b"))
                .isEqualTo(Map.of("namespace", "te/st", "limit", "5", "flag", "", "a", "1,2", "x", "a b"));
        assertThat(LoopbackHttpServer.query(null)).isEmpty();
    }

    @Test
    void aRevisionIsATagOfTheSimulatedImageUnlessItIsAnImage() {
        assertThat(SimulatedTargets.image("6.7.1")).isEqualTo("ghcr.io/stefanprodan/podinfo:6.7.1");
        assertThat(SimulatedTargets.image("nginx:1.27")).isEqualTo("nginx:1.27");
        assertThat(SimulatedTargets.image("ghcr.io/x/y@sha256:abc")).isEqualTo("ghcr.io/x/y@sha256:abc");
    }
}

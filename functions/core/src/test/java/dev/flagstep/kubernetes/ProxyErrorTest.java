package dev.flagstep.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.net.ServiceAddress;
import org.junit.jupiter.api.Test;

class ProxyErrorTest {

    private static final ServiceAddress SVC = new ServiceAddress("test", "flagger-loadtester", false, 80);

    private static String status(int code, String reason, String message, String detailsKind) {
        return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                + message.replace("\"", "\\\"") + "\",\"reason\":\"" + reason + "\""
                + (detailsKind.isEmpty() ? "" : ",\"details\":{\"name\":\"x\",\"kind\":\"" + detailsKind + "\"}") + ",\"code\":" + code + "}";
    }

    @Test
    void noEndpointsIsNamedAndRetryable() {
        assertThat(ProxyError.of(503, status(503, "ServiceUnavailable", "no endpoints available for service \"flagger-loadtester\"", ""), SVC))
                .contains(new ProxyError(503, "service flagger-loadtester.test has no ready endpoints", true));
    }

    @Test
    void noEndpointsQuotingTheWholeIdIsNamedTheSame() {
        // pods exist but none is Ready: Kubernetes quotes "name:port"
        assertThat(ProxyError.of(503, status(503, "ServiceUnavailable", "no endpoints available for service \"flagger-loadtester:80\"", ""), SVC))
                .contains(new ProxyError(503, "service flagger-loadtester.test has no ready endpoints", true));
    }

    @Test
    void anUnknownPortIsNamedAndFinal() {
        assertThat(ProxyError.of(503, status(503, "ServiceUnavailable", "no service port 8080 found for service \"flagger-loadtester\"", ""), SVC))
                .contains(new ProxyError(503, "service flagger-loadtester.test: no service port 8080 found for service \"flagger-loadtester\"", false));
    }

    @Test
    void aServiceWithoutEndpointsObjectIsNamedAndFinal() {
        assertThat(ProxyError.of(404, status(404, "NotFound", "endpoints \"flagger-loadtester\" not found", "endpoints"), SVC))
                .contains(new ProxyError(404, "service flagger-loadtester.test: endpoints \"flagger-loadtester\" not found", false));
    }

    @Test
    void unreachableIsNamedAndRetryable() {
        assertThat(ProxyError.of(503, status(503, "ServiceUnavailable",
                "error trying to reach service: dial tcp 10.0.1.7:8080: connect: connection refused", ""), SVC))
                .contains(new ProxyError(503, "service flagger-loadtester.test: error trying to reach service: dial tcp "
                        + "10.0.1.7:8080: connect: connection refused", true));
    }

    @Test
    void notFoundIsNamedAndFinalKeepingTheServersHint() {
        assertThat(ProxyError.of(404, status(404, "NotFound", "services \"flagger-loadtester\" not found", "services"), SVC))
                .contains(new ProxyError(404, "service flagger-loadtester.test not found", false));
        assertThat(ProxyError.of(404, status(404, "NotFound", "services \"flagger-loadtester\" not found (the simulated cluster has "
                + "no Service flagger-loadtester in namespace test: back it with --service flagger-loadtester.test=http://127.0.0.1:PORT)",
                "services"), SVC))
                .contains(new ProxyError(404, "service flagger-loadtester.test not found (the simulated cluster has no Service "
                        + "flagger-loadtester in namespace test: back it with --service flagger-loadtester.test=http://127.0.0.1:PORT)", false));
    }

    @Test
    void forbiddenIsNamedAndFinal() {
        assertThat(ProxyError.of(403, status(403, "Forbidden", "services \"flagger-loadtester\" is forbidden: User \"x\" cannot "
                + "create resource \"services/proxy\"", "services"), SVC))
                .contains(new ProxyError(403, "forbidden: the flagstep role may not proxy to services in namespace test "
                        + "(grant services/proxy get/create, see docs/cluster-services.md)", false));
    }

    @Test
    void theReceiversOwnAnswersAreNotProxyErrors() {
        assertThat(ProxyError.of(404, "not here", SVC)).isEmpty();
        assertThat(ProxyError.of(503, "{\"kind\":\"Status\"}", SVC)).isEmpty();
        assertThat(ProxyError.of(404, status(404, "NotFound", "pods \"x\" not found", "pods"), SVC)).isEmpty();
        assertThat(ProxyError.of(500, status(500, "InternalError", "boom", ""), SVC)).isEmpty();
        assertThat(ProxyError.of(503, "{\"kind\":\"Status\",\"apiVersion\":\"v2\",\"message\":\"no endpoints available for service\"}", SVC))
                .isEmpty();
        assertThat(ProxyError.of(503, "{not json \"Status\"", SVC)).isEmpty();
    }
}

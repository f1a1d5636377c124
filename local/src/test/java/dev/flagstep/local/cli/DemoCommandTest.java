package dev.flagstep.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.testing.WebhookReceiver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flagstep demo}: its canaries call Flagger's in-cluster addresses through the simulated API server's service
 * proxy, backed by the demo's own receivers unless {@code --service} backs a Service with the user's server.
 */
class DemoCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDemoCallsClusterAddressesAndServiceReplacesOneOfItsReceivers() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (WebhookReceiver loadtester = WebhookReceiver.start()) {
            int exit = Main.run(List.of("demo", "--service", "flagger-loadtester.test=" + loadtester.url("")),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String printed = out.toString(StandardCharsets.UTF_8);

            assertThat(exit).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(printed)
                    .contains("(http://flagger-loadtester.test/, http://event-receiver.notifications/, http://prometheus.istio-system:9090)"
                            + " through the simulated API server's service proxy")
                    .contains("podinfo.test         expected Succeeded -> as expected")
                    .contains("podinfo-bad.test     expected Failed    -> as expected")
                    // the demo's own event receiver, still backing event-receiver.notifications
                    .containsPattern("hooks called: +event-receiver\\.notifications/ x\\d+\n");
            // the loadtester given with --service took the demo's hooks: tasks of both canaries, podinfo's gate
            assertThat(loadtester.requests("/").stream().map(r -> name(r)).distinct()).containsExactlyInAnyOrder("podinfo", "podinfo-bad");
            assertThat(loadtester.requests("/gate/approve").stream().map(r -> name(r)).distinct()).containsExactly("podinfo");
        }
    }

    private static String name(WebhookReceiver.Request r) {
        try {
            return JSON.readTree(r.body()).path("name").asText();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.bodyText(), e);
        }
    }
}

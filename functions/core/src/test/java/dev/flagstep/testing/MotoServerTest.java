package dev.flagstep.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MotoServerTest {

    @Test
    void startsOnALoopbackPortAnswersAndStops() throws Exception {
        assumeTrue(MotoServer.available(), () -> "skipped: " + MotoServer.unavailable().orElse(""));
        URI endpoint;
        try (MotoServer moto = MotoServer.start()) {
            endpoint = moto.endpoint();
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
    }
}

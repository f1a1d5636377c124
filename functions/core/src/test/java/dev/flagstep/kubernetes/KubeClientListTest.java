package dev.flagstep.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link KubeClient#list}: pages with limit/continue, the cluster-wide path, and a failed page failing the list. */
class KubeClientListTest {

    HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile int secondPageStatus = 200;
    KubeClient client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            String uri = exchange.getRequestURI().toString();
            requests.add(uri);
            boolean second = uri.contains("continue=");
            int status = second ? secondPageStatus : 200;
            String body = status != 200 ? "{\"kind\":\"Status\",\"message\":\"the continue token is expired\"}"
                    : second ? "{\"kind\":\"CanaryList\",\"metadata\":{},\"items\":[{\"metadata\":{\"name\":\"c\"}}]}"
                    : "{\"kind\":\"CanaryList\",\"metadata\":{\"continue\":\"tok/en=\"},\"items\":[{\"metadata\":{\"name\":\"a\"}},{\"metadata\":{\"name\":\"b\"}}]}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        client = new KubeClient(KubeEndpoint.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), BearerToken.none()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void readsEveryPageOfANamespaceOrOfTheCluster() {
        List<ObjectNode> items = client.list(ResourceKind.CANARY, Optional.of("test"));
        assertThat(items).extracting(o -> o.at("/metadata/name").asText()).containsExactly("a", "b", "c");
        assertThat(requests).containsExactly(
                "/apis/flagger.app/v1beta1/namespaces/test/canaries?limit=500",
                "/apis/flagger.app/v1beta1/namespaces/test/canaries?limit=500&continue=tok%2Fen%3D");
        requests.clear();
        assertThat(client.list(ResourceKind.METRIC_TEMPLATE, Optional.empty())).hasSize(3);
        assertThat(requests.getFirst()).isEqualTo("/apis/flagger.app/v1beta1/metrictemplates?limit=500");
    }

    @Test
    void aFailedPageFailsTheWholeListNamingIt() {
        secondPageStatus = 410;
        assertThatThrownBy(() -> client.list(ResourceKind.CANARY, Optional.of("test")))
                .isInstanceOf(KubeException.Rejected.class)
                .hasMessageContaining("LIST Canary in test: Kubernetes API answered 410 the continue token is expired")
                .hasMessageContaining("list again");
        secondPageStatus = 403;
        assertThatThrownBy(() -> client.list(ResourceKind.CANARY, Optional.empty()))
                .hasMessageContaining("list on canaries.flagger.app cluster-wide");
    }
}

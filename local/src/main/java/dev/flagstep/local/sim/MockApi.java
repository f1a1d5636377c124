package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.kubernetes.BearerToken;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeEndpoint;
import dev.flagstep.kubernetes.KubeRef;
import dev.flagstep.kubernetes.ResourceKind;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** fabric8's {@link KubernetesMockServer} in CRUD mode on 127.0.0.1, an ephemeral port. */
final class MockApi implements AutoCloseable {

    /** JUL loggers are held weakly: keep ours, or the level set here is lost and every request is logged. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

    static {
        // the mock logs one INFO line per request: the loop alone would flood the demo's terminal
        MOCK_LOG.setLevel(Level.WARNING);
    }

    static final ResourceKind GATEWAY = new ResourceKind("gateway.networking.k8s.io", "v1", "Gateway", "gateways");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesMockServer server;
    private final StrictPatchDispatcher store;

    private MockApi(KubernetesMockServer server, StrictPatchDispatcher store) {
        this.server = server;
        this.store = store;
    }

    static MockApi start() {
        // the web server first: Vert.x sets up logging quietly, else slf4j's no-binding notice reaches the terminal
        MockWebServer web = new MockWebServer();
        StrictPatchDispatcher store = new StrictPatchDispatcher();
        KubernetesMockServer s = new KubernetesMockServer(new Context(), web, new HashMap<>(), store, false);
        try {
            s.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(e);
        }
        MockApi api = new MockApi(s, store);
        api.warmUp();
        return api;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getPort());
    }

    int port() {
        return server.getPort();
    }

    KubeClient client(Duration timeout) {
        return new KubeClient(KubeEndpoint.of(url(), BearerToken.of("simulated")).withTimeout(timeout));
    }

    /**
     * The object at {@code ref} as a GET at {@link #url()} answers it, read in-process from the mock's store (which
     * locks itself): what kube-apiserver does when it serves the proxy subresource from its watch cache, where an
     * HTTP round trip to the mock per proxied request would add a hop no real API server has.
     */
    Optional<ObjectNode> read(KubeRef ref) {
        MockResponse r = store.handleGet(ref.path());
        if (r.code() == 404) return Optional.empty();
        if (r.code() != 200) throw new IllegalStateException("the simulated API server answered " + r.code() + " to GET " + ref.path());
        try {
            return Optional.of((ObjectNode) JSON.readTree(r.getBody().getBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The mock keeps every request it served for {@code takeRequest()}; the loop's polling would grow that
     * queue for as long as a {@code run --simulate} lasts, so drop what nobody will ever read.
     */
    void forgetServedRequests() {
        try {
            while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
                // discard
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The mock loads fabric8's model classes on the first request of each kind, which takes seconds on a busy
     * machine; pay that here with a generous timeout rather than in flagstep's first timed calls.
     */
    private void warmUp() {
        KubeClient slow = client(Duration.ofSeconds(60));
        for (ResourceKind kind : List.of(ResourceKind.DEPLOYMENT, ResourceKind.DAEMON_SET, ResourceKind.SERVICE, ResourceKind.INGRESS,
                ResourceKind.HTTP_ROUTE, GATEWAY, Endpoints.KIND)) {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("apiVersion", kind.apiVersion()).put("kind", kind.kind());
            o.putObject("metadata").put("name", "warm-up").put("namespace", "warm-up");
            slow.create(kind, o);
            slow.edit(kind.ref("warm-up", "warm-up"), x -> x.withObjectProperty("metadata").putObject("labels").put("a", "b"));
            slow.delete(kind.ref("warm-up", "warm-up"));
        }
        forgetServedRequests();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}

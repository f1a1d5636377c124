package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the simulated API server answers for kubectl and for flagstep's writes onto Canary objects, over plain HTTP
 * at {@link SimulatedCluster#endpoint()}: discovery, Tables, the status subresource with merge patch, field selectors
 * on events, watches. (The real kubectl against it: {@link KubectlTest}.) One cluster for the class; each test works
 * in a namespace of its own.
 */
class KubectlApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final String CANARIES = "/apis/flagger.app/v1beta1/namespaces/%s/canaries";
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    private static SimulatedCluster cluster;
    private static HttpClient http;

    private final String ns = "k" + NAMESPACES.incrementAndGet();

    @BeforeAll
    static void startCluster() {
        cluster = SimulatedCluster.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
        http.close();
    }

    @Test
    void discoveryListsFlaggersKindsFromTheInstalledCrds() throws Exception {
        JsonNode groups = get("/apis", "application/json");
        assertThat(groups.path("kind").asText()).isEqualTo("APIGroupList");
        assertThat(groups.findValuesAsText("name")).contains("flagger.app", "apps", "apiextensions.k8s.io");

        JsonNode flagger = get("/apis/flagger.app/v1beta1", "application/json");
        assertThat(flagger.path("kind").asText()).isEqualTo("APIResourceList");
        assertThat(flagger.findValuesAsText("name")).containsExactlyInAnyOrder("canaries", "canaries/status",
                "metrictemplates", "metrictemplates/status", "alertproviders", "alertproviders/status");
        JsonNode canaries = flagger.path("resources").get(0);
        assertThat(canaries.path("kind").asText()).isEqualTo("Canary");
        assertThat(canaries.path("namespaced").asBoolean()).isTrue();
        assertThat(canaries.path("categories").toString()).contains("all");
        assertThat(get("/api", "application/json").path("versions").toString()).contains("v1");
        assertThat(get("/openapi/v3", "application/json").path("paths").has("apis/flagger.app/v1beta1")).isTrue();
    }

    @Test
    void discoveryGivesTheBuiltInKindsTheirShortNames() throws Exception {
        JsonNode core = get("/api/v1", "application/json");
        assertThat(shortNames(core, "namespaces")).containsExactly("ns");
        assertThat(shortNames(core, "services")).containsExactly("svc");
        assertThat(shortNames(core, "events")).containsExactly("ev");
        assertThat(shortNames(get("/apis/apps/v1", "application/json"), "deployments")).containsExactly("deploy");
        assertThat(shortNames(get("/apis/apiextensions.k8s.io/v1", "application/json"), "customresourcedefinitions"))
                .containsExactly("crd", "crds");
    }

    /** {@code kubectl create namespace proto} as kubectl v1.32 sends it (its -v=9 dump): protobuf. */
    private static final String CREATE_NAMESPACE_PROTO = "6b387300" + "0a0f0a0276311209" + hex("Namespace")
            + "121d0a150a05" + hex("proto") + "12001a0022002a0032003800420012001a020a001a002200";

    @Test
    void aNamespaceSentAsProtobufIsCreatedAndAnsweredAsJson() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/namespaces?fieldManager=kubectl-create"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/vnd.kubernetes.protobuf")
                .header("Accept", "application/vnd.kubernetes.protobuf,application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(java.util.HexFormat.of().parseHex(CREATE_NAMESPACE_PROTO)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(r.body()).path("metadata").path("name").asText()).isEqualTo("proto");
        assertThat(get("/api/v1/namespaces/proto", "application/json").path("kind").asText()).isEqualTo("Namespace");
    }

    @Test
    void anyOtherProtobufBodyIsRefusedAt415InsteadOfNeverAnswered() throws Exception {
        cluster.createNamespace(ns);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/namespaces/" + ns + "/configmaps"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/vnd.kubernetes.protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(java.util.HexFormat.of().parseHex(CREATE_NAMESPACE_PROTO)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(r.body()).path("message").asText()).contains("kubectl apply -f");
    }

    private static java.util.List<String> shortNames(JsonNode resourceList, String plural) {
        for (JsonNode r : resourceList.path("resources")) {
            if (r.path("name").asText().equals(plural)) {
                java.util.List<String> names = new java.util.ArrayList<>();
                r.path("shortNames").forEach(n -> names.add(n.asText()));
                return names;
            }
        }
        throw new AssertionError("no " + plural + " in " + resourceList);
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aCanaryListAsATableHasTheCrdsPrinterColumns() throws Exception {
        create("podinfo");
        patch(CANARIES.formatted(ns) + "/podinfo/status", "application/merge-patch+json",
                "{\"status\":{\"phase\":\"Progressing\",\"canaryWeight\":20,\"lastTransitionTime\":\"2026-01-02T03:04:05Z\"}}");

        JsonNode table = get(CANARIES.formatted(ns), TABLE);

        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "Status", "Weight",
                "Suspended", "FailedChecks", "Interval", "Mirror", "StepWeight", "StepWeights", "MaxWeight", "LastTransitionTime");
        assertThat(table.path("rows").get(0).path("cells").toString())
                .isEqualTo("[\"podinfo\",\"Progressing\",\"20\",null,null,\"1m\",null,\"10\",null,null,\"2026-01-02T03:04:05Z\"]");
        assertThat(table.path("rows").get(0).path("object").path("metadata").path("namespace").asText()).isEqualTo(ns);
    }

    @Test
    void aMergePatchOfStatusReplacesConditionsAndLeavesTheSpec() throws Exception {
        create("podinfo");
        String status = CANARIES.formatted(ns) + "/podinfo/status";
        patch(status, "application/merge-patch+json", "{\"status\":{\"phase\":\"Progressing\",\"conditions\":["
                + "{\"type\":\"Promoted\",\"status\":\"Unknown\",\"reason\":\"Progressing\"}]},\"spec\":{\"suspend\":true}}");
        HttpResponse<String> r = patch(status, "application/merge-patch+json", "{\"status\":{\"phase\":\"Succeeded\","
                + "\"conditions\":[{\"type\":\"Promoted\",\"status\":\"True\",\"reason\":\"Succeeded\"}],\"iterations\":null}}");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode canary = get(CANARIES.formatted(ns) + "/podinfo", "application/json");
        assertThat(canary.path("status").path("conditions").size()).as("merge patch replaces arrays").isEqualTo(1);
        assertThat(canary.path("status").path("conditions").get(0).path("status").asText()).isEqualTo("True");
        assertThat(canary.path("spec").has("suspend")).as("a status write leaves the spec").isFalse();
        assertThat(canary.path("metadata").path("generation").asInt()).isEqualTo(1);
    }

    @Test
    void aMergePatchOfTheObjectLeavesTheStatusAndAStaleResourceVersionIsAConflict() throws Exception {
        create("podinfo");
        patch(CANARIES.formatted(ns) + "/podinfo/status", "application/merge-patch+json", "{\"status\":{\"phase\":\"Succeeded\"}}");
        patch(CANARIES.formatted(ns) + "/podinfo", "application/merge-patch+json",
                "{\"spec\":{\"suspend\":true},\"status\":{\"phase\":\"Failed\"}}");

        JsonNode canary = get(CANARIES.formatted(ns) + "/podinfo", "application/json");
        assertThat(canary.path("spec").path("suspend").asBoolean()).isTrue();
        assertThat(canary.path("status").path("phase").asText()).isEqualTo("Succeeded");
        assertThat(canary.path("metadata").path("generation").asInt()).as("a spec change is a new generation").isEqualTo(2);

        HttpResponse<String> stale = patch(CANARIES.formatted(ns) + "/podinfo/status", "application/merge-patch+json",
                "{\"metadata\":{\"resourceVersion\":\"1\"},\"status\":{\"phase\":\"Failed\"}}");
        assertThat(stale.statusCode()).isEqualTo(409);
    }

    @Test
    void aJsonPatchOrAPutOfStatusChangesOnlyTheStatus() throws Exception {
        create("podinfo");
        String status = CANARIES.formatted(ns) + "/podinfo/status";
        assertThat(patch(status, "application/json-patch+json",
                "[{\"op\":\"add\",\"path\":\"/status\",\"value\":{\"phase\":\"Initialized\"}}]").statusCode()).isLessThan(300);
        JsonNode canary = get(status, "application/json");
        assertThat(canary.path("status").path("phase").asText()).isEqualTo("Initialized");

        ((com.fasterxml.jackson.databind.node.ObjectNode) canary.path("spec")).put("suspend", true);
        ((com.fasterxml.jackson.databind.node.ObjectNode) canary).putObject("status").put("phase", "Failed");
        HttpResponse<String> put = send("PUT", status, "application/json", canary.toString());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        JsonNode after = get(CANARIES.formatted(ns) + "/podinfo", "application/json");
        assertThat(after.path("status").path("phase").asText()).isEqualTo("Failed");
        assertThat(after.path("spec").has("suspend")).isFalse();
    }

    @Test
    void metricTemplatesAndAlertProvidersAreStoredListedPatchedAndDeleted() throws Exception {
        cluster.createNamespace(ns);
        String templates = "/apis/flagger.app/v1beta1/namespaces/" + ns + "/metrictemplates";
        String providers = "/apis/flagger.app/v1beta1/namespaces/" + ns + "/alertproviders";
        assertThat(send("POST", templates, "application/json", """
                {"apiVersion":"flagger.app/v1beta1","kind":"MetricTemplate","metadata":{"name":"error-rate","namespace":"%s"},
                 "spec":{"provider":{"type":"prometheus","address":"http://prometheus.istio-system:9090"},"query":"up"}}"""
                .formatted(ns)).statusCode()).isEqualTo(201);
        assertThat(send("POST", providers, "application/json", """
                {"apiVersion":"flagger.app/v1beta1","kind":"AlertProvider","metadata":{"name":"on-call","namespace":"%s"},
                 "spec":{"type":"slack","address":"https://hooks.slack.com/x"}}""".formatted(ns)).statusCode()).isEqualTo(201);

        assertThat(get(templates, TABLE).path("rows").get(0).path("cells").toString()).isEqualTo("[\"error-rate\",\"prometheus\"]");
        assertThat(get(providers, TABLE).path("rows").get(0).path("cells").toString()).isEqualTo("[\"on-call\",\"slack\"]");
        assertThat(get("/apis/flagger.app/v1beta1/metrictemplates", "application/json").path("kind").asText())
                .isEqualTo("MetricTemplateList");

        patch(templates + "/error-rate", "application/merge-patch+json", "{\"spec\":{\"query\":\"sum(up)\"}}");
        assertThat(get(templates + "/error-rate", "application/json").path("spec").path("query").asText()).isEqualTo("sum(up)");
        delete(providers + "/on-call");
        assertThat(get(providers, "application/json").path("items")).isEmpty();
    }

    @Test
    void eventsAreListedByTheInvolvedObjectAsKubectlDescribeAsks() throws Exception {
        String uid = create("podinfo").path("metadata").path("uid").asText();
        event("podinfo.1", "podinfo", uid);
        event("other.1", "other", "another-uid");

        JsonNode list = get("/api/v1/namespaces/" + ns + "/events?fieldSelector="
                + "involvedObject.name%3Dpodinfo,involvedObject.namespace%3D" + ns + ",involvedObject.kind%3DCanary,"
                + "involvedObject.uid%3D" + uid + "&limit=500", "application/json");

        assertThat(list.path("items")).hasSize(1);
        assertThat(list.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("podinfo.1");
    }

    @Test
    void aWatchStreamsTheChangesAsJsonLines() throws Exception {
        JsonNode created = create("podinfo");
        String rv = created.path("metadata").path("resourceVersion").asText();
        HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(uri(CANARIES.formatted(ns) + "?watch=1&resourceVersion=" + rv))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(watch.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
            patch(CANARIES.formatted(ns) + "/podinfo/status", "application/merge-patch+json", "{\"status\":{\"phase\":\"Promoting\"}}");
            JsonNode event = next(lines);
            assertThat(event.path("type").asText()).isEqualTo("MODIFIED");
            assertThat(event.path("object").path("status").path("phase").asText()).isEqualTo("Promoting");

            delete(CANARIES.formatted(ns) + "/podinfo");
            JsonNode deleted = next(lines);
            assertThat(deleted.path("type").asText()).isEqualTo("DELETED");
            assertThat(deleted.path("object").path("metadata").path("name").asText()).isEqualTo("podinfo");
        }
    }

    @Test
    void aWatchWithAllObjectsFirstEndsAfterItsTimeoutSecondsAndABadOneIsRefused() throws Exception {
        create("podinfo");
        HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(uri(CANARIES.formatted(ns)
                + "?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dpodinfo")).header("Accept", TABLE).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
            JsonNode added = next(lines);
            assertThat(added.path("type").asText()).isEqualTo("ADDED");
            assertThat(added.path("object").path("kind").asText()).isEqualTo("Table");
            assertThat(added.path("object").path("rows").get(0).path("cells").get(0).asText()).isEqualTo("podinfo");
            String rest;
            do {
                rest = lines.readLine();
            } while (rest != null && rest.isBlank());
            assertThat(rest).as("the stream ends after timeoutSeconds").isNull();
        }
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(uri(CANARIES.formatted(ns) + "?watch=1&timeoutSeconds=soon"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    /** The next event, skipping the keep-alive newlines. */
    private static JsonNode next(BufferedReader lines) throws Exception {
        String line;
        do {
            line = lines.readLine();
            assertThat(line).as("the watch ended").isNotNull();
        } while (line.isBlank());
        return JSON.readTree(line);
    }

    private JsonNode create(String name) throws Exception {
        cluster.createNamespace(ns);
        String canary = """
                {"apiVersion":"flagger.app/v1beta1","kind":"Canary","metadata":{"name":"%s","namespace":"%s"},
                 "spec":{"targetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"%s"},"service":{"port":9898},
                         "analysis":{"interval":"1m","threshold":5,"stepWeight":10}}}""".formatted(name, ns, name);
        HttpResponse<String> r = send("POST", CANARIES.formatted(ns), "application/json", canary);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    private void event(String name, String canary, String uid) throws Exception {
        String e = """
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"%s","namespace":"%s"},
                 "involvedObject":{"apiVersion":"flagger.app/v1beta1","kind":"Canary","name":"%s","namespace":"%s","uid":"%s"},
                 "reason":"Synced","message":"m","type":"Normal","source":{"component":"flagstep"}}"""
                .formatted(name, ns, canary, ns, uid);
        assertThat(send("POST", "/api/v1/namespaces/" + ns + "/events", "application/json", e).statusCode()).isEqualTo(201);
    }

    private static JsonNode get(String path, String accept) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> patch(String path, String type, String body) throws Exception {
        return send("PATCH", path, type, body);
    }

    private static void delete(String path) throws Exception {
        assertThat(send("DELETE", path, "application/json", "").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> send(String method, String path, String type, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).header("Content-Type", type)
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create(cluster.endpoint().server() + path);
    }
}

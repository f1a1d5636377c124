package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.BoundedBody;
import dev.flagstep.net.Route;
import dev.flagstep.net.ServiceRouter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * Flagger's Prometheus provider: {@code GET {address}/api/v1/query?query=...} with the query's
 * whitespace collapsed, a timeout (5s in Flagger), optional credentials and custom headers, and one
 * number out of an instant vector. The address passes the {@link AddressGuard} before every query,
 * and at most {@link BoundedBody#METRICS_LIMIT} bytes of an answer are read. An address that names a
 * cluster Service ({@code http://prometheus.istio-system:9090}) is queried through the Kubernetes API
 * server's service proxy instead, as the {@link ServiceRouter} says (no address check, the API server's
 * token, which is why a {@code secretRef} cannot be used there).
 */
public final class PrometheusProvider implements MetricProvider {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final URI address;
    private final PrometheusAuth auth;
    private final Map<String, List<String>> headers;
    private final ProviderHttp transport;

    /** With the local runtime's address policy (loopback allowed). */
    public PrometheusProvider(URI address, PrometheusAuth auth, Map<String, List<String>> headers, HttpClient http, Duration timeout) {
        this(address, auth, headers, http, timeout, AddressGuard.local());
    }

    public PrometheusProvider(URI address, PrometheusAuth auth, Map<String, List<String>> headers, HttpClient http, Duration timeout,
            AddressGuard guard) {
        this(address, auth, headers, http, timeout, guard, ServiceRouter.direct(), "");
    }

    /**
     * @param router    how cluster Service addresses are reached
     * @param namespace the canary's namespace (where a one-label address such as {@code http://prometheus:9090} lives)
     */
    public PrometheusProvider(URI address, PrometheusAuth auth, Map<String, List<String>> headers, HttpClient http, Duration timeout,
            AddressGuard guard, ServiceRouter router, String namespace) {
        if (address.getScheme() == null || address.getHost() == null
                || !(address.getScheme().equals("http") || address.getScheme().equals("https"))) {
            throw new IllegalArgumentException("prometheus address " + address + " is not a valid http(s) URL");
        }
        this.address = address;
        this.auth = auth;
        this.headers = Map.copyOf(headers);
        this.transport = new ProviderHttp("prometheus", http, timeout, guard, router, namespace);
    }

    public URI address() {
        return address;
    }

    /** How requests are authenticated (plain, secret, or SigV4 for Amazon Managed Prometheus). */
    public PrometheusAuth auth() {
        return auth;
    }

    /** The query Flagger's Prometheus provider asks to tell it is online: it must answer 1. */
    static final String ONLINE_QUERY = "vector(1)";

    @Override
    public void checkOnline() {
        double value;
        try {
            value = query(ONLINE_QUERY, Optional.empty());
        } catch (MetricQueryException e) {
            throw new MetricQueryException("running query failed: " + e.getMessage(), e);
        }
        if (value != 1) {
            throw new MetricQueryException("value is not 1 for query: " + ONLINE_QUERY);
        }
    }

    @Override
    public double query(String query, Optional<String> interval) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .uri(queryEndpoint())
                .putRawQueryParameter("query", collapseWhitespace(query))
                .headers(headers)
                .build();
        return valueOf(switch (transport.route(request.getUri())) {
            case Route.Direct direct -> send(authenticate(request), Optional.empty());
            case Route.Proxied proxied -> send(proxiable(request, proxied), Optional.of(proxied));
        });
    }

    /** The API server strips the Authorization header after authenticating: secret credentials cannot reach Prometheus. */
    private SdkHttpRequest proxiable(SdkHttpRequest request, Route.Proxied proxied) {
        if (auth instanceof PrometheusAuth.Secret) {
            throw ProviderHttp.secretThroughProxy(address, proxied);
        }
        return request;
    }

    /** Flagger replaces every run of whitespace with one space, so multi-line YAML queries stay valid in a URL. */
    static String collapseWhitespace(String query) {
        return query.replaceAll("\\s+", " ").strip();
    }

    /** {@code path.Join(address.Path, "api/v1/query")}: keeps a path prefix such as AMP's {@code /workspaces/ws-1}. */
    private URI queryEndpoint() {
        String path = Optional.ofNullable(address.getRawPath()).orElse("");
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return URI.create(address.getScheme() + "://" + address.getRawAuthority() + path + "/api/v1/query");
    }

    private SdkHttpRequest authenticate(SdkHttpRequest request) {
        return switch (auth) {
            case PrometheusAuth.None none -> request;
            case PrometheusAuth.Secret secret -> request.toBuilder()
                    .putHeader("Authorization", authorization(secret.ref(), secret.resolver().resolve(secret.ref())))
                    .build();
            case PrometheusAuth.SigV4 sigV4 -> SIGNER.sign(r -> r
                            .identity(sigV4.credentials().resolveCredentials())
                            .request(request)
                            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "aps")
                            .putProperty(AwsV4HttpSigner.REGION_NAME, sigV4.region())
                            .putProperty(HttpSigner.SIGNING_CLOCK, sigV4.clock()))
                    .request();
        };
    }

    private static String authorization(String ref, Map<String, String> secret) {
        String token = secret.get("token");
        if (token != null && !token.isEmpty()) {
            return "Bearer " + token;
        }
        String username = secret.get("username");
        String password = secret.get("password");
        if (username == null || password == null) {
            throw new MetricQueryException("prometheus secret " + ref
                    + " must contain a token, or a username and a password (found keys " + new TreeMap<>(secret).keySet() + ")");
        }
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private ProviderHttp.Answer send(SdkHttpRequest request, Optional<Route.Proxied> proxied) {
        return transport.send("GET", request.getUri(), request.headers(), Optional.empty(), proxied);
    }

    private static double valueOf(ProviderHttp.Answer response) {
        Optional<JsonNode> body = parse(response.body());
        if (response.statusCode() >= 400 || body.map(b -> b.path("status").asText().equals("error")).orElse(false)) {
            String detail = body.filter(b -> b.has("error"))
                    .map(b -> b.path("errorType").asText() + ": " + b.path("error").asText())
                    .orElse(abbreviate(response.body()));
            throw new MetricQueryException("prometheus error response (HTTP " + response.statusCode() + "): " + detail);
        }
        JsonNode data = body.orElseThrow(() -> new MetricQueryException(
                "prometheus answered with something that is not JSON: " + abbreviate(response.body()))).path("data");
        String type = data.path("resultType").asText();
        JsonNode result = data.path("result");
        return switch (type) {
            case "vector" -> lastSample(result);
            case "scalar" -> checked(sample(result));
            case "matrix" -> throw new MetricQueryException("query returned multiple values");
            default -> throw new MetricQueryException("prometheus query returned an unsupported result type '" + type + "'");
        };
    }

    /** Flagger loops over the series and keeps the last one's value. */
    private static double lastSample(JsonNode series) {
        Optional<Double> last = Optional.empty();
        for (JsonNode s : series) {
            last = Optional.of(sample(s.path("value")));
        }
        return checked(last.orElseThrow(() -> new NoValuesFoundException("the query returned an empty vector")));
    }

    private static double checked(double value) {
        if (Double.isNaN(value)) {
            throw new NoValuesFoundException("the query returned NaN");
        }
        return value;
    }

    /** A sample is {@code [timestamp, "value"]}; the value is a string because of NaN and ±Inf. */
    private static double sample(JsonNode pair) {
        String text = pair.path(1).asText();
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new MetricQueryException("prometheus sample value '" + text + "' is not a number");
                }
            }
        };
    }

    private static Optional<JsonNode> parse(String body) {
        try {
            return Optional.ofNullable(JSON.readTree(body)).filter(JsonNode::isObject);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String text) {
        return ProviderHttp.abbreviate(text);
    }

}

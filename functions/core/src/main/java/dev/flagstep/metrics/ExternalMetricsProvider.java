package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.kubernetes.KubeClient;
import dev.flagstep.kubernetes.KubeException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Flagger's external metrics provider: the Kubernetes External Metrics API ({@code external.metrics.k8s.io/v1beta1}),
 * queried as {@code <namespace>/<metricName>?labelSelector=<selector>}; the value is the first item's quantity.
 * Without {@code provider.address} it asks the cluster's API server through flagstep's Kubernetes client (its
 * credentials); with one, that server (directly, or a cluster Service through the service proxy), with the
 * secret's optional {@code token} as a bearer token.
 */
public final class ExternalMetricsProvider implements MetricProvider {

    static final String TOKEN = "token";
    private static final String API = "/apis/external.metrics.k8s.io/v1beta1/namespaces/";
    private static final String FORMAT = "<namespace>/<metricName>?labelSelector=<urlencoded label selectors>";

    private final Optional<URI> address;
    private final ProviderSecret secret;
    private final ProviderHttp http;
    private final Supplier<KubeClient> kube;

    ExternalMetricsProvider(Optional<String> address, ProviderSecret secret, ProviderHttp http, Supplier<KubeClient> kube) {
        this.address = address.filter(a -> !a.isBlank()).map(a -> ProviderHttp.address("externalmetrics", a));
        this.secret = secret;
        this.http = http;
        this.kube = kube;
    }

    /** A parsed query: the request path's namespace and metric, and the raw selector (empty: everything). */
    record Query(String namespace, String metricName, String labelSelector) {

        /** Flagger's {@code parseExternalMetricsQuery}: {@code metric} and {@code /metric} are in {@code default}. */
        static Query parse(String text) {
            String q = text.strip();
            int mark = q.indexOf('?');
            String path = mark < 0 ? q : q.substring(0, mark);
            String params = mark < 0 ? "" : q.substring(mark + 1);
            String[] parts = path.split("/", -1);
            if (parts.length > 2) {
                throw new MetricQueryException("error parsing metric query: malformed query string, too many slashes, expected "
                        + FORMAT + ", got " + text);
            }
            String namespace = parts.length == 2 && !parts[0].isEmpty() ? parts[0] : "default";
            String metric = parts[parts.length - 1];
            if (metric.isEmpty()) {
                throw new MetricQueryException("error parsing metric query: metric name cannot be empty");
            }
            if (!namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw new MetricQueryException("error parsing metric query: namespace " + namespace + " is not a Kubernetes namespace name");
            }
            String selector = "";
            for (String pair : params.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals("labelSelector") && selector.isEmpty()) {
                    selector = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).strip();
                }
            }
            return new Query(namespace, URLDecoder.decode(metric, StandardCharsets.UTF_8), selector);
        }

        /** {@code /apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>[?labelSelector=<sel>]}. */
        String path() {
            return API + namespace + "/" + URLEncoder.encode(metricName, StandardCharsets.UTF_8).replace("+", "%20")
                    + (labelSelector.isEmpty() ? "" : "?labelSelector=" + URLEncoder.encode(labelSelector, StandardCharsets.UTF_8));
        }
    }

    @Override
    public double query(String query, Optional<String> interval) {
        Query q = Query.parse(query);
        JsonNode list;
        try {
            list = list(q);
        } catch (KubeException | MetricQueryException e) {
            throw new MetricQueryException("error querying external metrics API: " + e.getMessage(), e);
        }
        JsonNode items = list.path("items");
        if (!items.isArray() || items.isEmpty()) {
            throw new NoValuesFoundException("no external metrics found");
        }
        JsonNode value = items.get(0).path("value");
        return Quantity.parse(value.asText("")).orElseThrow(() -> new MetricQueryException(
                "error querying external metrics API: value " + value + " of " + query + " is not a Kubernetes quantity"));
    }

    /** Flagger's check: listing {@code dummy-metric} in {@code kube-system} answers (any error, 404 included, is offline). */
    @Override
    public void checkOnline() {
        try {
            list(new Query("kube-system", "dummy-metric", ""));
        } catch (KubeException | MetricQueryException e) {
            throw new MetricQueryException("external metrics service unavailable: " + e.getMessage(), e);
        }
    }

    private JsonNode list(Query q) {
        String what = "GET external metric " + q.namespace() + "/" + q.metricName();
        if (address.isEmpty()) {
            return kube.get().getObject(what, q.path());
        }
        Map<String, String> auth = secret.optional(List.of()).flatMap(s -> Optional.ofNullable(s.get(TOKEN)))
                .map(t -> Map.of("Authorization", "Bearer " + t)).orElse(Map.of());
        ProviderHttp.Answer answer = http.get(URI.create(ProviderHttp.under(address.get(), "") + q.path()), auth);
        if (answer.statusCode() != 200) {
            throw new MetricQueryException(what + ": " + answer.statusCode() + " " + ProviderHttp.abbreviate(answer.body()));
        }
        return ProviderJson.parse("externalmetrics", answer.body());
    }
}

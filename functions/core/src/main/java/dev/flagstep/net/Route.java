package dev.flagstep.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** How one request to a URL goes out: directly, or to a cluster Service through the API server's proxy. */
public sealed interface Route {

    /**
     * As the URL says, through the {@link AddressGuard}.
     *
     * @param note why a URL that looks like a cluster Service is not one ({@code name.ns} where namespace
     *             {@code ns} does not exist), told to the user when the name then does not resolve
     */
    record Direct(Optional<String> note) implements Route {

        public Direct {
            Objects.requireNonNull(note, "note");
        }

        public Direct() {
            this(Optional.empty());
        }
    }

    /**
     * To the API server: same method, body and headers as the direct request, plus {@code authorization}
     * (which replaces any credentials of the URL: the API server would strip them anyway). Not guarded:
     * the destination is the configured API server, and RBAC ({@code services/proxy}) decides which
     * Services it reaches.
     *
     * @param uri           the API server URL of the Service's proxy path
     * @param http          the Kubernetes client's (its TLS trusts the cluster CA)
     * @param authorization the {@code Authorization} value ({@code Bearer ...}), fresh for this request
     */
    record Proxied(ServiceAddress service, URI uri, HttpClient http, Optional<String> authorization) implements Route {

        public Proxied {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(http, "http");
            Objects.requireNonNull(authorization, "authorization");
        }

        /**
         * Where a redirect from the proxied receiver of {@code clusterUrl} leads, as a URL the caller routes
         * again. The API server rewrites a receiver's {@code Location: /next} to its own proxy path
         * ({@code https://api/api/v1/namespaces/ns/services/name:80/proxy/next}): that maps back to the
         * cluster URL. Any other absolute Location is taken as it is; a relative one is resolved against
         * the cluster URL, as the receiver meant it.
         *
         * @throws URISyntaxException when the Location is not a URL
         */
        public URI follow(URI clusterUrl, String location) throws URISyntaxException {
            URI loc = new URI(location);
            URI onApi = uri.resolve(loc);
            if (sameOrigin(onApi, uri)) {
                Optional<ServiceAddress.Proxied> back = ServiceAddress.fromProxyPath(onApi.getRawPath());
                if (back.isPresent()) {
                    return clusterUrl(clusterUrl, back.get(), Optional.ofNullable(onApi.getRawQuery()),
                            Optional.ofNullable(onApi.getRawFragment()));
                }
            }
            return loc.isAbsolute() ? loc : clusterUrl.resolve(loc);
        }

        /** The same Service keeps the URL's own spelling (and its signature's origin); another is {@code name.ns.svc}. */
        private URI clusterUrl(URI clusterUrl, ServiceAddress.Proxied back, Optional<String> query, Optional<String> fragment)
                throws URISyntaxException {
            String origin;
            if (back.service().equals(service)) {
                origin = clusterUrl.getScheme() + "://" + clusterUrl.getRawAuthority();
            } else {
                ServiceAddress s = back.service();
                int defaultPort = s.https() ? 443 : 80;
                origin = (s.https() ? "https" : "http") + "://" + s.name() + "." + s.namespace() + ".svc"
                        + (s.port() == defaultPort ? "" : ":" + s.port());
            }
            return new URI(origin + back.rawPath() + query.map(q -> "?" + q).orElse("") + fragment.map(f -> "#" + f).orElse(""));
        }

        private static boolean sameOrigin(URI a, URI b) {
            return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                    && Optional.ofNullable(a.getRawAuthority()).orElse("").toLowerCase(Locale.ROOT)
                            .equals(Optional.ofNullable(b.getRawAuthority()).orElse("").toLowerCase(Locale.ROOT));
        }
    }
}

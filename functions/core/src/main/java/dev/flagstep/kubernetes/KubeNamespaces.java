package dev.flagstep.kubernetes;

import dev.flagstep.net.ClusterServiceException;
import dev.flagstep.net.NamespaceLookup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Whether a namespace exists ({@code GET /api/v1/namespaces/{ns}}), remembered per container: a yes for
 * {@link #KNOWN} (namespaces seldom go away), a no for {@link #UNKNOWN} (one created for a receiver is
 * seen soon). A forbidden or failed lookup is not remembered.
 */
public final class KubeNamespaces implements NamespaceLookup {

    public static final Duration KNOWN = Duration.ofMinutes(10);
    public static final Duration UNKNOWN = Duration.ofSeconds(30);

    private record Answer(boolean exists, Instant until) {
    }

    private final Supplier<KubeClient> kube;
    private final Clock clock;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();

    /** @param kube asked on the first lookup only (so a container that never needs one never builds it) */
    public KubeNamespaces(Supplier<KubeClient> kube, Clock clock) {
        this.kube = kube;
        this.clock = clock;
    }

    @Override
    public boolean exists(String namespace) {
        Instant now = clock.instant();
        Answer known = answers.get(namespace);
        if (known != null && now.isBefore(known.until())) {
            return known.exists();
        }
        KubeClient.Reply reply;
        try {
            reply = kube.get().getPath("GET Namespace " + namespace, "/api/v1/namespaces/" + namespace);
        } catch (KubeException e) {
            throw new ClusterServiceException("looking up namespace " + namespace + " failed: " + e.getMessage(), true,
                    e instanceof KubeException.Unavailable);
        } catch (RuntimeException e) {
            // no client at all (cluster not configured, DescribeCluster refused): the next attempt will not differ
            throw new ClusterServiceException("looking up namespace " + namespace + " failed: " + e.getMessage(), false);
        }
        boolean exists = switch (reply.status()) {
            case 200 -> true;
            case 404 -> false;
            case 403 -> throw new ClusterServiceException("the flagstep role may not get namespace " + namespace
                    + " (grant get on namespaces, see docs/cluster-services.md)", false);
            default -> throw new ClusterServiceException("looking up namespace " + namespace + " failed: Kubernetes API answered "
                    + reply.status() + " " + KubeClient.statusMessage(reply.body()), false);
        };
        answers.put(namespace, new Answer(exists, now.plus(exists ? KNOWN : UNKNOWN)));
        return exists;
    }
}

package dev.flagstep.phases;

import dev.flagstep.aws.AwsException;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.store.StaleStatusException;
import dev.flagstep.store.StoreContentionException;
import dev.flagstep.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Whether a phase's failure passes by itself, decided in one place. Transient (retried by the state
 * machine for a bounded window, with a Warning event): the Kubernetes API answering 5xx or 429, not
 * answering, or a write that kept losing races (409); DynamoDB (or any AWS API) throttling or
 * answering 5xx; a network or credentials hiccup of an AWS call (the STS-signed EKS token included);
 * another writer of the canary's status in between. Permanent (the release fails at once, with the
 * error's own message): everything else, among it 4xx answers other than 409 and 429 (RBAC, a missing
 * CRD), a missing target, an invalid document.
 */
final class Transience {

    private Transience() {}

    /** What went wrong, worded for a Warning event, when it is transient; empty when it is permanent. */
    static Optional<String> cause(Throwable failure) {
        return switch (failure) {
            case TransientFault t -> Optional.of(t.getMessage());
            case KubeException.Unavailable u -> Optional.of("Kubernetes API unavailable: " + u.getMessage());
            case KubeException.Conflict c -> Optional.of("Kubernetes object kept changing: " + c.getMessage());
            case KubeException.Rejected r when r.status() == 409 || r.status() == 429 ->
                    Optional.of("Kubernetes API answered " + r.status() + ": " + r.getMessage());
            case KubeException k -> Optional.empty();
            case StaleStatusException s -> Optional.of("another writer changed the status: " + s.getMessage());
            case StoreContentionException c -> Optional.of("DynamoDB contention: " + c.getMessage());
            case StoreException s -> s.getCause() == null ? Optional.empty()
                    : aws(s.getCause()).map(what -> "DynamoDB " + what + ": " + s.getMessage());
            default -> aws(failure).or(() -> failure.getCause() == null || failure.getCause() == failure
                    ? Optional.empty() : cause(failure.getCause()));
        };
    }

    /**
     * An AWS failure worth retrying: throttled (HTTP 429 or a load-shedding code, see AwsException), 5xx, or the
     * call never got an answer (the network, or credentials the SDK's providers could not resolve).
     */
    private static Optional<String> aws(Throwable t) {
        return switch (t) {
            case AwsException e when e.throttling() -> Optional.of("throttled (" + e.errorCode() + ")");
            case AwsException e when e.status() >= 500 -> Optional.of("unavailable (" + e.status() + " " + e.errorCode() + ")");
            case AwsException e when e.unanswered() -> Optional.of("unreachable (network or credentials): " + e.getMessage());
            case AwsException e -> Optional.empty();
            case SdkClientException e -> Optional.of("unreachable (network or credentials): " + e.getMessage());
            case UncheckedIOException e -> Optional.of("unreachable: " + e.getMessage());
            case IOException e -> Optional.of("unreachable: " + e.getMessage());
            default -> Optional.empty();
        };
    }
}

package dev.flagstep.phases;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.aws.AwsException;
import dev.flagstep.kubernetes.KubeException;
import dev.flagstep.kubernetes.ResourceKind;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.store.NoSuchCanaryException;
import dev.flagstep.store.StaleStatusException;
import dev.flagstep.store.StoreContentionException;
import dev.flagstep.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Every kind of failure a phase meets, classified once: transient (retried) or permanent (the release fails). */
class TransienceTest {

    private static final CanaryId ID = new CanaryId("test", "podinfo");

    private static AwsException dynamo(int status, String code) {
        return new AwsException("DynamoDB_20120810.UpdateItem", status, code, code + ": " + code + " happened", null);
    }

    private static StoreException store(Throwable cause) {
        return new StoreException("saveStatus", ID, "DynamoDB call failed: " + cause.getMessage(), cause);
    }

    // --- Kubernetes ---

    @Test
    void anUnreachableOrOverloadedApiServerIsTransient() {
        var down = new KubeException.Unavailable("GET HTTPRoute test/podinfo: Kubernetes API at https://x answered 503 busy", null);
        assertThat(Transience.cause(down))
                .contains("Kubernetes API unavailable: GET HTTPRoute test/podinfo: Kubernetes API at https://x answered 503 busy");
    }

    @Test
    void aWriteThatKeptLosingRacesIsTransient() {
        assertThat(Transience.cause(new KubeException.Conflict("PATCH HTTPRoute test/podinfo: gave up"))).isPresent();
        assertThat(Transience.cause(new KubeException.Rejected("409", 409))).isPresent();
        assertThat(Transience.cause(new KubeException.Rejected("429", 429))).isPresent();
    }

    @Test
    void otherClientErrorsAndAMissingTargetArePermanent() {
        assertThat(Transience.cause(new KubeException.Rejected("PATCH ...: 403 forbidden", 403))).isEmpty();
        assertThat(Transience.cause(new KubeException.Rejected("GET ...: 404 (is its CRD installed?)", 404))).isEmpty();
        assertThat(Transience.cause(new KubeException.Rejected("PATCH ...: 422 invalid", 422))).isEmpty();
        assertThat(Transience.cause(new KubeException.Rejected("GET ...: 401 unauthorized", 401))).isEmpty();
        assertThat(Transience.cause(new KubeException.NotFound(ResourceKind.DEPLOYMENT.ref("test", "podinfo")))).isEmpty();
    }

    // --- DynamoDB ---

    @Test
    void dynamoDbThrottlingIsTransientAndNamedByItsCode() {
        AwsException throttled = dynamo(400, "ProvisionedThroughputExceededException");
        assertThat(Transience.cause(store(throttled)))
                .hasValueSatisfying(c -> assertThat(c).startsWith("DynamoDB throttled (ProvisionedThroughputExceededException): saveStatus"));
        assertThat(Transience.cause(store(dynamo(400, "ThrottlingException")))).isPresent();
        assertThat(Transience.cause(store(dynamo(400, "RequestLimitExceeded")))).isPresent();
    }

    @Test
    void dynamoDbServerErrorsAndNetworkFailuresAreTransient() {
        assertThat(Transience.cause(store(dynamo(500, "InternalServerError"))))
                .hasValueSatisfying(c -> assertThat(c).startsWith("DynamoDB unavailable (500 InternalServerError)"));
        assertThat(Transience.cause(store(dynamo(503, "ServiceUnavailable")))).isPresent();
        assertThat(Transience.cause(store(new AwsException("DynamoDB_20120810.UpdateItem", 0, "",
                "no answer from http://127.0.0.1:8000/: java.net.SocketException: Connection reset", null))))
                .hasValueSatisfying(c -> assertThat(c).startsWith("DynamoDB unreachable (network or credentials)"));
        assertThat(Transience.cause(store(new AwsException("DynamoDB_20120810.UpdateItem", 429, "", "HTTP 429", null))))
                .hasValueSatisfying(c -> assertThat(c).startsWith("DynamoDB throttled"));
    }

    @Test
    void dynamoDbRejectingTheRequestItselfIsPermanent() {
        assertThat(Transience.cause(store(dynamo(400, "ValidationException")))).isEmpty();
        assertThat(Transience.cause(store(dynamo(400, "ResourceNotFoundException")))).isEmpty();
        assertThat(Transience.cause(new StoreException("appendWeight r1", ID, "no such run"))).isEmpty();
        assertThat(Transience.cause(new NoSuchCanaryException("claimRun r1", ID))).isEmpty();
    }

    @Test
    void otherWritersOfTheCanaryAreTransient() {
        assertThat(Transience.cause(new StaleStatusException(ID, 3))).isPresent();
        assertThat(Transience.cause(new StoreContentionException("closeAll", ID))).isPresent();
    }

    // --- AWS credentials, tokens, the network ---

    @Test
    void credentialHiccupsOfTheEksTokenAndOtherAwsThrottlesAreTransient() {
        assertThat(Transience.cause(SdkClientException.create("Unable to load credentials from any of the providers")))
                .isPresent();
        AwsException eventsThrottled = new AwsException("AWSEvents.PutEvents", 400, "Throttling", "Throttling: Rate exceeded", null);
        assertThat(Transience.cause(eventsThrottled)).isPresent();
        assertThat(Transience.cause(new UncheckedIOException(new IOException("connection reset")))).isPresent();
    }

    @Test
    void aCauseIsFoundThroughWrappers() {
        RuntimeException wrapped = new RuntimeException("phase failed",
                new KubeException.Unavailable("GET ...", new ConnectException("refused")));
        assertThat(Transience.cause(wrapped)).isPresent();
        assertThat(Transience.cause(new TransientFault("another delivery of A@1 is still running"))).contains(
                "another delivery of A@1 is still running");
    }

    // --- everything else ---

    @Test
    void invalidInputAndBugsArePermanent() {
        assertThat(Transience.cause(new PhaseException("canary test/podinfo has an invalid document: [...]"))).isEmpty();
        assertThat(Transience.cause(new IllegalArgumentException("missing field \"canary\""))).isEmpty();
        assertThat(Transience.cause(new IllegalStateException("environment variable TABLE_NAME is not set"))).isEmpty();
        assertThat(Transience.cause(new NullPointerException())).isEmpty();
    }
}

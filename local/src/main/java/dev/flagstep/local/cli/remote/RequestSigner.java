package dev.flagstep.local.cli.remote;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The headers a request to the API carries besides its own: none on loopback, SigV4's on AWS. */
public sealed interface RequestSigner {

    /** The service API Gateway's IAM authorization checks signatures for. */
    String SERVICE = "execute-api";

    /** The headers to add to a request with these {@code headers} and {@code body}. */
    Map<String, List<String>> sign(String method, URI uri, Map<String, String> headers, byte[] body);

    /** {@code flagstep serve} on 127.0.0.1 takes no signature (it trusts its loopback callers). */
    record Unsigned() implements RequestSigner {
        @Override
        public Map<String, List<String>> sign(String method, URI uri, Map<String, String> headers, byte[] body) {
            return Map.of();
        }

        @Override
        public String toString() {
            return "unsigned (loopback)";
        }
    }

    /**
     * SigV4 for {@value #SERVICE} with the SDK's signer; credentials are resolved per request (a profile's SSO or
     * assumed-role credentials refresh), the signing time comes from {@code clock} (tests fix it).
     */
    record SigV4(AwsCredentialsProvider credentials, String region, Clock clock, String service) implements RequestSigner {

        private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

        /** For the API ({@value RequestSigner#SERVICE}). */
        public SigV4(AwsCredentialsProvider credentials, String region, Clock clock) {
            this(credentials, region, clock, SERVICE);
        }

        @Override
        public Map<String, List<String>> sign(String method, URI uri, Map<String, String> headers, byte[] body) {
            AwsCredentialsIdentity identity;
            try {
                identity = credentials.resolveCredentials();
            } catch (RuntimeException e) {
                throw new ApiFailure.Unreachable("no AWS credentials to sign the request to " + uri.getHost() + ": "
                        + ApiFailure.reason(e) + " (set AWS_PROFILE or --profile, or run aws sso login / aws configure)");
            }
            SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
            headers.forEach(unsigned::putHeader);
            SdkHttpRequest signed = SIGNER.sign(r -> r.identity(identity).request(unsigned.build())
                            .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                            .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                            .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock))
                    .request();
            Map<String, List<String>> added = new LinkedHashMap<>();
            signed.forEachHeader((name, values) -> {
                // java.net.http sets Host and Content-Length itself (and refuses them); they are signed as it sends them
                if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length") && !headers.containsKey(name)) {
                    added.put(name, values);
                }
            });
            return added;
        }

        @Override
        public String toString() {
            return "SigV4 (" + service + ", " + region + ")";
        }
    }
}

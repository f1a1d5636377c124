package dev.flagstep.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Recomputes a SigV4 signature from the request as the server received it (written from the AWS
 * specification, not the SDK), so a test proves the bytes sent are the bytes that were signed.
 * Covers GET requests without a body, which is all the Prometheus query API needs.
 */
final class SigV4Verifier {

    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    private SigV4Verifier() {}

    static boolean verify(FakeHttpServer.Request request, String secretKey) {
        Matcher auth = AUTH.matcher(request.header("Authorization"));
        if (!auth.matches()) {
            return false;
        }
        String date = auth.group(2);
        String region = auth.group(3);
        String service = auth.group(4);
        String signedHeaders = auth.group(5);
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.split(";")) {
            canonicalHeaders.append(name).append(':').append(request.header(name).strip()).append('\n');
        }
        String canonicalRequest = String.join("\n", request.method(), request.uri().getRawPath(),
                request.uri().getRawQuery(), canonicalHeaders.toString(), signedHeaders, sha256Hex(new byte[0]));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", request.header("X-Amz-Date"), scope,
                sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return HexFormat.of().formatHex(hmac(key, stringToSign)).equals(auth.group(6));
    }

    private static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

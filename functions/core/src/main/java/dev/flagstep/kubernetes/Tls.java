package dev.flagstep.kubernetes;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SSL contexts for an API server: trust exactly the cluster CA (not the JVM's store), optionally present a
 * client certificate (kind, k3d kubeconfigs), or skip verification when the kubeconfig says so.
 */
public final class Tls {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final char[] NO_PASSWORD = new char[0];

    private Tls() {
    }

    /** A client key and certificate chain in PEM. */
    public record ClientCert(String certificatePem, String keyPem) {
    }

    public static SSLContext context(Optional<String> caPem, Optional<ClientCert> client) {
        try {
            TrustManager[] trust = null;
            if (caPem.isPresent()) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                int i = 0;
                for (Certificate c : certificates(caPem.get())) ts.setCertificateEntry("ca-" + i++, c);
                if (i == 0) throw new IllegalArgumentException("the certificate authority data holds no PEM certificate");
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                trust = tmf.getTrustManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(client.isPresent() ? keyManagers(client.get()) : null, trust, null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot build the TLS context for the Kubernetes API: " + e.getMessage(), e);
        }
    }

    /**
     * Go's {@code InsecureSkipVerify} for any HTTP client of ours: kubeconfig {@code insecure-skip-tls-verify},
     * {@code disableTLS} webhooks, {@code insecureSkipVerify} metric providers. No certificate and no host
     * name check: it must be an {@link X509ExtendedTrustManager}, as the JDK wraps a plain X509TrustManager
     * in one that still checks the host name against the certificate.
     */
    public static SSLContext insecure() {
        return insecure(Optional.empty());
    }

    /** {@code insecure-skip-tls-verify: true} (local clusters only), presenting the client certificate if any. */
    public static SSLContext insecure(Optional<ClientCert> client) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(client.isPresent() ? keyManagers(client.get()) : null, new TrustManager[]{new TrustAll()}, null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot build an insecure TLS context: " + e.getMessage(), e);
        }
    }

    static List<Certificate> certificates(String pem) throws GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>();
        for (Block b : blocks(pem)) {
            if (b.type.equals("CERTIFICATE")) out.add(cf.generateCertificate(new ByteArrayInputStream(b.der)));
        }
        return out;
    }

    /** PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). */
    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        for (Block b : blocks(pem)) {
            switch (b.type) {
                case "PRIVATE KEY" -> {
                    try {
                        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(b.der));
                    } catch (GeneralSecurityException notRsa) {
                        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(b.der));
                    }
                }
                case "RSA PRIVATE KEY" -> {
                    byte[] algId = hex("300d06092a864886f70d0101010500"); // rsaEncryption, NULL
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(algId, b.der)));
                }
                case "EC PRIVATE KEY" -> {
                    byte[] curve = Der.ecCurveOid(b.der);
                    byte[] algId = Der.seq(Der.concat(hex("06072a8648ce3d0201"), curve)); // id-ecPublicKey, curve
                    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(algId, b.der)));
                }
                default -> {
                    // skip EC PARAMETERS and others
                }
            }
        }
        throw new IllegalArgumentException("the client key data holds no PEM private key");
    }

    private static javax.net.ssl.KeyManager[] keyManagers(ClientCert c) throws GeneralSecurityException, java.io.IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        List<Certificate> chain = certificates(c.certificatePem());
        if (chain.isEmpty()) throw new IllegalArgumentException("the client certificate data holds no PEM certificate");
        ks.setKeyEntry("client", privateKey(c.keyPem()), NO_PASSWORD, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, NO_PASSWORD);
        return kmf.getKeyManagers();
    }

    private static byte[] pkcs8(byte[] algId, byte[] key) {
        return Der.seq(Der.concat(hex("020100"), algId, Der.tlv(0x04, key)));
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(String pem) {
        List<Block> out = new ArrayList<>();
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2).strip().getBytes(StandardCharsets.US_ASCII))));
        }
        return out;
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    /** Just enough DER to wrap PKCS#1/SEC1 keys into PKCS#8 (the only key format the JDK reads). */
    static final class Der {
        private Der() {
        }

        static byte[] tlv(int tag, byte[] value) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int n = value.length;
            if (n < 0x80) {
                out.write(n);
            } else {
                int bytes = n > 0xFFFF ? 3 : n > 0xFF ? 2 : 1;
                out.write(0x80 | bytes);
                for (int i = bytes - 1; i >= 0; i--) out.write((n >> (8 * i)) & 0xFF);
            }
            out.writeBytes(value);
            return out.toByteArray();
        }

        static byte[] seq(byte[] content) {
            return tlv(0x30, content);
        }

        static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) out.writeBytes(p);
            return out.toByteArray();
        }

        /** SEC1 ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters OID, [1] publicKey }. */
        static byte[] ecCurveOid(byte[] sec1) {
            int[] pos = {0};
            header(sec1, pos, 0x30);
            while (pos[0] < sec1.length) {
                int tag = sec1[pos[0]] & 0xFF;
                int start = pos[0];
                int len = header(sec1, pos, tag);
                if (tag == 0xA0) {
                    int oidStart = pos[0];
                    int oidLen = header(sec1, pos, 0x06);
                    byte[] oid = new byte[pos[0] - oidStart + oidLen];
                    System.arraycopy(sec1, oidStart, oid, 0, oid.length);
                    return oid;
                }
                pos[0] += len;
                if (pos[0] <= start) break;
            }
            throw new IllegalArgumentException("EC private key without curve parameters");
        }

        private static int header(byte[] d, int[] pos, int expectedTag) {
            if ((d[pos[0]] & 0xFF) != expectedTag) throw new IllegalArgumentException("unexpected DER tag in key");
            pos[0]++;
            int len = d[pos[0]++] & 0xFF;
            if (len >= 0x80) {
                int bytes = len & 0x7F;
                len = 0;
                for (int i = 0; i < bytes; i++) len = (len << 8) | (d[pos[0]++] & 0xFF);
            }
            return len;
        }
    }

    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}

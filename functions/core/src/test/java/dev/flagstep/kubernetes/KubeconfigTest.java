package dev.flagstep.kubernetes;

import dev.flagstep.testing.KubeMockServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubeconfigTest {

    @RegisterExtension
    static final KubeMockServer kube = new KubeMockServer();

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void currentContextWithTokenReachesTheServer(@TempDir Path dir) {
        String yaml = """
                apiVersion: v1
                kind: Config
                current-context: local
                clusters:
                  - name: other
                    cluster: {server: "http://127.0.0.1:1"}
                  - name: mock
                    cluster: {server: "%s"}
                users:
                  - name: dev
                    user: {token: s3cret}
                contexts:
                  - name: far
                    context: {cluster: other, user: dev}
                  - name: local
                    context: {cluster: mock, user: dev, namespace: test}
                """.formatted(kube.url());

        Kubeconfig.Context ctx = Kubeconfig.parse(yaml, dir, Optional.empty());

        assertThat(ctx.name()).isEqualTo("local");
        assertThat(ctx.namespace()).contains("test");
        assertThat(ctx.endpoint().server()).isEqualTo(kube.url());
        assertThat(ctx.endpoint().token().current()).contains("s3cret");
        assertThat(new KubeClient(ctx.endpoint()).get(ResourceKind.SERVICE.ref("test", "podinfo"))).isEmpty();

        Kubeconfig.Context far = Kubeconfig.parse(yaml, dir, Optional.of("far"));
        assertThat(far.endpoint().server().toString()).isEqualTo("http://127.0.0.1:1");
        assertThatThrownBy(() -> Kubeconfig.parse(yaml, dir, Optional.of("nope")))
                .hasMessage("kubeconfig has no context named 'nope'");
    }

    @Test
    void trustsTheClusterCaAndPresentsAClientCertificate(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
        String certPem = Files.readString(Path.of(cert.certificatePath()));
        String keyPem = Files.readString(Path.of(cert.privateKeyPath()));
        HttpsServer server = httpsServer(certPem, keyPem);
        try {
            Files.writeString(dir.resolve("ca.crt"), certPem);
            String yaml = """
                    current-context: kind
                    clusters: [{name: kind, cluster: {server: "https://localhost:%d", certificate-authority: ca.crt}}]
                    users: [{name: admin, user: {client-certificate-data: %s, client-key-data: %s}}]
                    contexts: [{name: kind, context: {cluster: kind, user: admin}}]
                    """.formatted(server.getAddress().getPort(), b64(certPem), b64(keyPem));

            KubeEndpoint endpoint = Kubeconfig.parse(yaml, dir, Optional.empty()).endpoint();

            assertThat(endpoint.token().current()).isEmpty();
            assertThat(new KubeClient(endpoint).get(ResourceKind.SERVICE.ref("test", "podinfo"))).isEmpty();
            // the JVM's default trust store does not know this CA: without the kubeconfig's CA the call fails
            KubeEndpoint untrusted = KubeEndpoint.of(endpoint.server(), BearerToken.none());
            assertThatThrownBy(() -> new KubeClient(untrusted).get(ResourceKind.SERVICE.ref("test", "podinfo")))
                    .isInstanceOf(KubeException.Unavailable.class);
        } finally {
            server.stop(0);
            cert.delete();
        }
    }

    @Test
    void insecureSkipTlsVerifyTalksToASelfSignedServer(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create("some-other-name");
        HttpsServer server = httpsServer(Files.readString(Path.of(cert.certificatePath())), Files.readString(Path.of(cert.privateKeyPath())));
        try {
            String yaml = """
                    current-context: c
                    clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}}]
                    users: [{name: u, user: {tokenFile: token}}]
                    contexts: [{name: c, context: {cluster: c, user: u}}]
                    """.formatted(server.getAddress().getPort());
            Files.writeString(dir.resolve("token"), "abc\n");

            KubeEndpoint endpoint = Kubeconfig.parse(yaml, dir, Optional.empty()).endpoint();

            assertThat(endpoint.token().current()).contains("abc");
            assertThat(new KubeClient(endpoint).get(ResourceKind.SERVICE.ref("test", "podinfo"))).isEmpty();
        } finally {
            server.stop(0);
            cert.delete();
        }
    }

    /** An HTTPS API double that answers 404 to everything. */
    private static HttpsServer httpsServer(String certPem, String keyPem) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", Tls.privateKey(keyPem), new char[0], Tls.certificates(certPem).toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
        return server;
    }

    @Test
    void readsPkcs1RsaAndSec1EcKeys() throws Exception {
        var rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) rsaGen.generateKeyPair().getPrivate();
        byte[] pkcs1 = innerOctetString(rsa.getEncoded());
        String rsaPem = pem("RSA PRIVATE KEY", pkcs1);
        assertThat(Tls.privateKey(rsaPem)).isEqualTo(rsa);

        var ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(new ECGenParameterSpec("secp256r1"));
        ECPrivateKey ec = (ECPrivateKey) ecGen.generateKeyPair().getPrivate();
        byte[] s = unsigned(ec.getS(), 32);
        byte[] prime256v1 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
        byte[] sec1 = Tls.Der.seq(Tls.Der.concat(new byte[]{2, 1, 1}, Tls.Der.tlv(0x04, s), Tls.Der.tlv(0xA0, prime256v1)));
        String ecPem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + pem("EC PRIVATE KEY", sec1);
        assertThat(((ECPrivateKey) Tls.privateKey(ecPem)).getS()).isEqualTo(ec.getS());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** PKCS#8 = SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }: returns the key. */
    private static byte[] innerOctetString(byte[] pkcs8) {
        int p = skipHeader(pkcs8, 0);           // into the outer SEQUENCE
        p = skipElement(pkcs8, p);              // version
        p = skipElement(pkcs8, p);              // algorithm
        int start = skipHeader(pkcs8, p);       // OCTET STRING content
        return Arrays.copyOfRange(pkcs8, start, skipElement(pkcs8, p));
    }

    private static int skipHeader(byte[] d, int p) {
        int len = d[p + 1] & 0xFF;
        return p + 2 + (len >= 0x80 ? len & 0x7F : 0);
    }

    private static int skipElement(byte[] d, int p) {
        int len = d[p + 1] & 0xFF;
        int hdr = 2;
        if (len >= 0x80) {
            int n = len & 0x7F;
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (d[p + 2 + i] & 0xFF);
            hdr += n;
        }
        return p + hdr + len;
    }

    private static byte[] unsigned(BigInteger v, int size) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[size];
        int n = Math.min(b.length, size);
        System.arraycopy(b, b.length - n, out, size - n, n);
        return out;
    }
}

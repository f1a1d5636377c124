package dev.flagstep.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a kubeconfig for the local runtime: the current context or a named one; the cluster's
 * {@code server}, {@code certificate-authority(-data)}, {@code insecure-skip-tls-verify}; the user's
 * {@code token}/{@code tokenFile}, {@code client-certificate(-data)}/{@code client-key(-data)} or an
 * {@code exec} credential plugin (what {@code aws eks update-kubeconfig} writes).
 */
public final class Kubeconfig {

    private static final ObjectMapper YAML = new YAMLMapper();

    private Kubeconfig() {
    }

    /** What one context resolves to. */
    public record Context(String name, KubeEndpoint endpoint, Optional<String> namespace) {
    }

    /** {@code $KUBECONFIG} (its first entry) or {@code ~/.kube/config}. */
    public static Path defaultPath(Map<String, String> env) {
        String kc = env.getOrDefault("KUBECONFIG", "");
        if (!kc.isBlank()) return Path.of(kc.split(java.io.File.pathSeparator)[0]);
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".kube", "config");
    }

    public static Context load(Path file, Optional<String> context) {
        try {
            return parse(Files.readString(file), file.toAbsolutePath().getParent(), context);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param baseDir relative file paths in a kubeconfig are relative to the kubeconfig's folder
     */
    public static Context parse(String yaml, Path baseDir, Optional<String> context) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException("kubeconfig is not valid YAML: " + e.getMessage(), e);
        }
        String ctxName = context.filter(s -> !s.isBlank()).orElse(root.path("current-context").asText(""));
        if (ctxName.isEmpty()) throw new IllegalArgumentException("kubeconfig has no current-context; name a context");
        JsonNode ctx = named(root, "contexts", ctxName, "context");
        String clusterName = ctx.path("cluster").asText("");
        JsonNode cluster = named(root, "clusters", clusterName, "cluster");
        String userName = ctx.path("user").asText("");
        JsonNode user = userName.isEmpty() ? YAML.createObjectNode() : named(root, "users", userName, "user");

        String server = cluster.path("server").asText("");
        if (server.isEmpty()) throw new IllegalArgumentException("kubeconfig cluster '" + clusterName + "' has no server");

        Optional<Tls.ClientCert> clientCert = pem(user, "client-certificate", baseDir)
                .flatMap(cert -> pem(user, "client-key", baseDir).map(key -> new Tls.ClientCert(cert, key)));
        Optional<SSLContext> tls;
        if (cluster.path("insecure-skip-tls-verify").asBoolean(false)) {
            tls = Optional.of(Tls.insecure(clientCert));
        } else {
            Optional<String> ca = pem(cluster, "certificate-authority", baseDir);
            tls = ca.isPresent() || clientCert.isPresent() ? Optional.of(Tls.context(ca, clientCert)) : Optional.empty();
        }

        BearerToken token = token(user, baseDir);
        KubeEndpoint endpoint = new KubeEndpoint(URI.create(server), tls, token,
                KubeEndpoint.DEFAULT_TIMEOUT, KubeEndpoint.DEFAULT_ATTEMPTS);
        Optional<String> ns = Optional.of(ctx.path("namespace").asText("")).filter(s -> !s.isEmpty());
        return new Context(ctxName, endpoint, ns);
    }

    private static BearerToken token(JsonNode user, Path baseDir) {
        if (user.hasNonNull("token")) return BearerToken.of(user.get("token").asText());
        if (user.hasNonNull("tokenFile")) {
            Path f = baseDir.resolve(user.get("tokenFile").asText());
            return () -> Optional.of(read(f).strip()); // re-read: projected tokens rotate
        }
        if (user.has("exec")) {
            JsonNode exec = user.get("exec");
            List<String> command = new ArrayList<>();
            command.add(exec.path("command").asText());
            exec.path("args").forEach(a -> command.add(a.asText()));
            Map<String, String> env = new java.util.HashMap<>();
            exec.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
            return new ExecCredential(command, env, Clock.systemUTC());
        }
        return BearerToken.none();
    }

    /** {@code key-data} (base64 PEM) or {@code key} (a file path). */
    private static Optional<String> pem(JsonNode node, String key, Path baseDir) {
        if (node.hasNonNull(key + "-data")) {
            return Optional.of(new String(Base64.getMimeDecoder().decode(node.get(key + "-data").asText()), StandardCharsets.UTF_8));
        }
        if (node.hasNonNull(key)) return Optional.of(read(baseDir.resolve(node.get(key).asText())));
        return Optional.empty();
    }

    private static JsonNode named(JsonNode root, String list, String name, String field) {
        for (JsonNode e : root.path(list)) {
            if (name.equals(e.path("name").asText())) return e.path(field);
        }
        throw new IllegalArgumentException("kubeconfig has no " + field + " named '" + name + "'");
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + " named in the kubeconfig: " + e.getMessage(), e);
        }
    }
}

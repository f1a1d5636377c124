package dev.flagstep.local.cli.remote;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which API the commands talk to and how requests are signed: {@code --api URL}, or {@code --stack NAME} (the
 * stack's {@value StackOutputs#API_URL_OUTPUT} output), else {@code $FLAGSTEP_API}, else {@value #DEFAULT_API}
 * ({@code flagstep serve}'s default). A plain-http loopback URL (serve) is not signed; any other is SigV4-signed
 * for execute-api, in the region of {@code --region}, else of the URL's host, else {@code AWS_REGION},
 * {@code AWS_DEFAULT_REGION}, the profile's.
 */
public final class ApiTarget {

    public static final String ENV = "FLAGSTEP_API";
    public static final String DEFAULT_API = "http://127.0.0.1:8080";

    private static final Pattern EXECUTE_API_HOST = Pattern.compile("^[a-z0-9]+\\.execute-api\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?$");

    /** The connection options of every API command. */
    public record Options(Optional<String> api, Optional<String> stack, Optional<String> profile, Optional<String> region) {}

    /** A command-line problem with these options (exit 2). */
    public static final class BadOptions extends RuntimeException {
        public BadOptions(String message) {
            super(message);
        }
    }

    private ApiTarget() {}

    public static ApiClient connect(Options o, RemoteEnvironment env, StackOutputs stacks) {
        if (o.api().isPresent() && o.stack().isPresent()) {
            throw new BadOptions("give --api or --stack, not both");
        }
        URI url;
        if (o.stack().isPresent()) {
            String region = region(o, Optional.empty(), env).orElseThrow(() -> new BadOptions(
                    "--stack needs a region: --region, AWS_REGION or the profile's region"));
            url = stacks.apiUrl(o.stack().get(), region, env.credentials().apply(o.profile()));
        } else {
            String raw = o.api().or(() -> Optional.ofNullable(env.env().get(ENV)).filter(s -> !s.isBlank())).orElse(DEFAULT_API);
            url = parse(raw);
        }
        if (isLoopbackHttp(url)) {
            return new ApiClient(url, new RequestSigner.Unsigned(), env.http());
        }
        String region = region(o, Optional.of(url), env).orElseThrow(() -> new BadOptions(
                "cannot tell which region to sign requests to " + url.getHost() + " for: give --region (or set AWS_REGION)"));
        return new ApiClient(url, new RequestSigner.SigV4(env.credentials().apply(o.profile()), region, env.clock()), env.http());
    }

    static URI parse(String raw) {
        try {
            URI u = URI.create(raw.strip());
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new BadOptions("the API URL must be http(s)://HOST[:PORT][/stage], got \"" + raw + "\"");
        }
    }

    /** {@code flagstep serve} listens on loopback only and takes no signature: no credentials needed for it. */
    public static boolean isLoopbackHttp(URI url) {
        String host = url.getHost();
        return "http".equals(url.getScheme()) && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }

    public static Optional<String> region(Options o, Optional<URI> url, RemoteEnvironment env) {
        return o.region()
                .or(() -> url.flatMap(u -> fromHost(u.getHost())))
                .or(() -> Optional.ofNullable(env.env().get("AWS_REGION")).filter(s -> !s.isBlank()))
                .or(() -> Optional.ofNullable(env.env().get("AWS_DEFAULT_REGION")).filter(s -> !s.isBlank()))
                .or(() -> env.profileRegion().apply(o.profile()));
    }

    /** {@code abc123.execute-api.eu-west-1.amazonaws.com}: eu-west-1. */
    static Optional<String> fromHost(String host) {
        Matcher m = EXECUTE_API_HOST.matcher(host);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}

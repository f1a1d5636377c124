package dev.flagstep.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flagstep.aws.AwsException;
import dev.flagstep.gate.LoadtesterAnswer;
import dev.flagstep.gate.LoadtesterPath;
import dev.flagstep.gate.TaskTokens;
import dev.flagstep.gatelink.GateLinkSettings;
import dev.flagstep.gatelink.GateLinkUses;
import dev.flagstep.spec.CanaryId;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecValidator;
import dev.flagstep.store.CanaryBusyException;
import dev.flagstep.store.CanaryStore;
import dev.flagstep.store.NoSuchCanaryException;
import dev.flagstep.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The HTTP API (docs/architecture.md, docs/api.md): canary documents, rollouts, built-in gates,
 * flagger-loadtester's gate paths and the gate links. On AWS it is the HTTP API's Lambda (payload v2, read as a raw
 * stream with Jackson); the local runtime calls {@link #handle} with its own requests, through the
 * constructor that takes the collaborators.
 *
 * <p>Every failure is an {@code application/problem+json} answer with a clear detail: bad input
 * is 400/404/405/409/413/415, a store or AWS outage is 503, only a bug of ours is 500, and none
 * carries a stack trace.
 */
public final class ApiHandler implements RequestStreamHandler {

    /** The AWS actions this function's code calls (checked against template.yaml). */
    public static final Set<String> AWS_ACTIONS = IamActions.API;

    /** The gate links' route ({@link GateLinkRoute}): the signed token in the path is the credential. */
    public static final String GATE_LINK_ROUTE = "/links/{token}";

    /**
     * Paths API Gateway lets through without SigV4: the loadtester's read-only checks, which canary
     * webhooks call exactly as Flagger does (unsigned), and the health check.
     */
    public static final List<String> UNAUTHENTICATED_PATHS =
            Stream.concat(LoadtesterPath.readOnlyPaths().stream(), Stream.of("/healthz", GATE_LINK_ROUTE)).toList();

    /** Larger canary documents are refused (413): a real one is a few KB. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    private static final Logger LOG = Logger.getLogger(ApiHandler.class.getName());

    private final ObjectMapper json;
    private final Supplier<Routes> routes;

    /** The Lambda entry point: collaborators from the environment, built on first request. */
    public ApiHandler() {
        this.json = mapper();
        this.routes = Lazy.of(() -> {
            AwsEnvironment env = AwsEnvironment.fromSystem();
            // addresses the functions would refuse are refused here already, with the field's path
            AddressGuard guard = AddressGuard.aws(System.getenv());
            SpecParser parser = new SpecParser(SpecValidator.DEFAULT.withAddresses(guard::refusalWithoutLookup));
            return new Routes(env.store(), parser, env.rolloutStarter(json), env.taskTokens(), env.gateLinks(), json,
                    java.time.Clock.systemUTC());
        });
    }

    /** For the local runtime and tests: the same API over any store, starter and token completer. */
    public ApiHandler(CanaryStore store, RolloutStarter rollouts, TaskTokens tokens) {
        this(store, rollouts, tokens, GateLinkSettings.off(), () -> {
            throw new IllegalStateException("gate links are off");
        }, java.time.Clock.systemUTC());
    }

    /**
     * As above, with gate links: {@code links} (on or off, the key, their lifetime), where spent links are kept, and
     * the clock links expire on (the runtime's).
     */
    public ApiHandler(CanaryStore store, RolloutStarter rollouts, TaskTokens tokens, GateLinkSettings links,
            Supplier<GateLinkUses> uses, java.time.Clock clock) {
        this.json = mapper();
        Routes r = new Routes(store, new SpecParser(), rollouts, tokens, new GateLinkRoute.Wiring(links, uses, clock), json, clock);
        this.routes = () -> r;
    }

    static ObjectMapper mapper() {
        return new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ApiGatewayV2 v2 = new ApiGatewayV2(json);
        HttpResponse response;
        try {
            JsonNode event = json.readTree(input);
            response = handle(v2.request(event));
        } catch (Problem p) {
            response = p.toResponse("/");
        } catch (IOException e) {
            response = Problem.badRequest("not an API Gateway payload v2 event").toResponse("/");
        }
        json.writeValue(output, v2.response(response));
    }

    /** Answers one request. Never throws. */
    public HttpResponse handle(HttpRequest req) {
        try {
            if (req.bodyLength() > MAX_BODY_BYTES) {
                throw Problem.tooLarge("the body is " + req.bodyLength() + " bytes; at most " + MAX_BODY_BYTES
                        + " are accepted");
            }
            return route(req);
        } catch (Problem p) {
            return p.toResponse(req.path());
        } catch (NoSuchCanaryException e) {
            return Problem.notFound(e.getMessage()).toResponse(req.path());
        } catch (CanaryBusyException e) {
            return Problem.conflict(e.getMessage()).toResponse(req.path());
        } catch (StoreException | AwsException e) {
            String id = UUID.randomUUID().toString();
            LOG.log(Level.WARNING, "request " + id + " " + req + ": dependency failed", e);
            return Problem.unavailable("a dependency failed; try again (logged as " + id + ")").toResponse(req.path());
        } catch (RuntimeException e) {
            String id = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "request " + id + " " + req + ": unexpected error", e);
            return Problem.internal("unexpected error (logged as " + id + ")").toResponse(req.path());
        }
    }

    private HttpResponse route(HttpRequest req) {
        List<String> s = Arrays.stream(req.path().split("/")).filter(x -> !x.isEmpty()).toList();
        String m = req.method();
        // Routes (and with them the AWS clients) are only built for routes that need them:
        // /healthz and unknown paths answer without touching AWS.
        Supplier<Routes> r = routes;
        return switch (s.size()) {
            case 1 -> switch (s.get(0)) {
                case "healthz" -> only(m, "GET", () -> HttpResponse.text(200, LoadtesterAnswer.OK.body()));
                case "canaries" -> only(m, "GET", () -> r.get().canaries.list(req));
                default -> notFound(req);
            };
            case 2 -> s.get(0).equals("links") ? r.get().links.handle(s.get(1), req) : LoadtesterPath.of(s.get(0), s.get(1))
                    .map(p -> r.get().loadtester.handle(p, req))
                    .orElseGet(() -> notFound(req));
            case 3 -> s.get(0).equals("canaries") ? canary(r.get(), CanaryResource.id(s.get(1), s.get(2)), req) : notFound(req);
            case 4 -> {
                if (!s.get(0).equals("canaries")) {
                    yield notFound(req);
                }
                CanaryId id = CanaryResource.id(s.get(1), s.get(2));
                yield switch (s.get(3)) {
                    case "rollouts" -> only(m, "POST", () -> r.get().canaries.startRollout(id, req));
                    case "gates" -> only(m, "GET", () -> r.get().canaries.gates(id, req));
                    case "runs" -> only(m, "GET", () -> r.get().operations.runs(id, req));
                    case "events" -> only(m, "GET", () -> r.get().operations.events(id, req));
                    default -> OperationResource.operation(s.get(3))
                            .map(op -> only(m, "POST", () -> r.get().operations.operate(id, op, req)))
                            .orElseGet(() -> notFound(req));
                };
            }
            case 6 -> s.get(0).equals("canaries") && s.get(3).equals("gates")
                    ? only(m, "POST", () -> r.get().canaries.gate(CanaryResource.id(s.get(1), s.get(2)), s.get(4), s.get(5), req))
                    : notFound(req);
            default -> notFound(req);
        };
    }

    private static HttpResponse canary(Routes r, CanaryId id, HttpRequest req) {
        return switch (req.method()) {
            case "GET" -> r.canaries.get(id);
            case "PUT" -> r.canaries.put(id, req);
            case "DELETE" -> r.canaries.delete(id);
            default -> throw Problem.methodNotAllowed(req.method() + " " + req.path() + ": use GET, PUT or DELETE");
        };
    }

    private static HttpResponse only(String method, String allowed, Supplier<HttpResponse> action) {
        if (!method.equals(allowed)) {
            throw Problem.methodNotAllowed("use " + allowed + " here, not " + method);
        }
        return action.get();
    }

    private static HttpResponse notFound(HttpRequest req) {
        throw Problem.notFound("no route " + req.method() + " " + req.path() + " (see docs/api.md)");
    }

    /** The route handlers, built once per container from the collaborators. */
    private static final class Routes {
        final CanaryResource canaries;
        final LoadtesterGates loadtester;
        final GateLinkRoute links;
        final OperationResource operations;

        Routes(CanaryStore store, SpecParser parser, RolloutStarter rollouts, TaskTokens tokens, GateLinkRoute.Wiring links,
                ObjectMapper json, java.time.Clock clock) {
            GateOpening opening = new GateOpening(store, tokens, json, clock);
            this.canaries = new CanaryResource(store, parser, rollouts, opening, json);
            this.operations = new OperationResource(store, parser, rollouts, tokens, json, clock);
            this.loadtester = new LoadtesterGates(store, opening, json);
            this.links = new GateLinkRoute(links, store, opening, parser);
        }
    }
}

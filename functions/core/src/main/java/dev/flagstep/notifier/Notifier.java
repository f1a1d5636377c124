package dev.flagstep.notifier;

import dev.flagstep.analysis.Alert;
import dev.flagstep.analysis.FlaggerMessages;
import dev.flagstep.metrics.SecretResolver;
import dev.flagstep.metrics.SecretScope;
import dev.flagstep.spec.AlertProvider;
import dev.flagstep.spec.AlertRef;
import dev.flagstep.spec.Analysis;
import dev.flagstep.spec.CanaryDocument;
import dev.flagstep.spec.CanarySpec;
import dev.flagstep.spec.HookType;
import dev.flagstep.net.AddressGuard;
import dev.flagstep.net.ServiceRouter;
import dev.flagstep.webhook.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flagger's {@code alert()}: each alert goes to the AlertProviders of {@code analysis.alerts} whose severity asks
 * for it, or, when the analysis names none, to the global notifier. A provider's address is its
 * {@code secretRef}'s {@code address} key (read from the canary's namespace, {@link SecretScope}) or its
 * {@code address}; channel and user name default to {@code general} and {@code flagger}. Whatever goes wrong
 * (a missing provider or secret, a receiver down) is returned as a problem for a Warning event; nothing is thrown,
 * so an alert never fails a release. Thread-safe; one per container.
 */
public final class Notifier {

    /**
     * One tick's alerts about one canary.
     *
     * @param provider the canary's router (its strategy words the "Traffic routing" field)
     * @param deadline no retry runs past this
     */
    public record Context(CanaryDocument document, String provider, String runId, Instant deadline) {}

    private final AlertPoster poster;
    private final SecretResolver secrets;
    private final SecretScope scope;
    private final NotifierSettings settings;
    private final GateActions gateActions;

    public Notifier(AlertPoster poster, SecretResolver secrets, SecretScope scope, NotifierSettings settings,
                    GateActions gateActions) {
        this.poster = poster;
        this.secrets = secrets;
        this.scope = scope;
        this.settings = settings;
        this.gateActions = gateActions;
    }

    /**
     * The local runtime's defaults, for wirings that give none: loopback receivers allowed, every URL direct,
     * no secrets and no global notifier, real waits.
     */
    public static Notifier local() {
        return new Notifier(new AlertPoster(AddressGuard.local(), ServiceRouter.direct(), Sleeper.REAL, Clock.systemUTC(),
                AlertPoster.Policy.defaults()), SecretResolver.none(), SecretScope.unprefixed(), NotifierSettings.none(),
                GateActions.none());
    }

    /** The same notifier handing out other gate links (the API's signed ones). */
    public Notifier withGateActions(GateActions actions) {
        return new Notifier(poster, secrets, scope, settings, actions);
    }

    /** @return one problem per failed delivery, worded as Flagger logs it (for Warning events), in order */
    public List<String> send(Context context, List<Alert> alerts) {
        List<String> problems = new ArrayList<>();
        for (Alert alert : alerts) {
            try {
                send(context, alert, problems);
            } catch (RuntimeException e) {
                // a bug of ours must not fail the release either
                problems.add("alert can't be sent: " + e);
            }
        }
        return problems;
    }

    private void send(Context context, Alert alert, List<String> problems) {
        CanarySpec canary = context.document().canary();
        List<AlertRef> refs = canary.analysis().map(Analysis::alerts).orElse(List.of());
        List<AlertRef> recipients = refs.stream().filter(ref -> Severities.sends(ref.severity(), alert.severity())).toList();
        Optional<GlobalNotifier> global = refs.isEmpty() ? settings.global() : Optional.empty();
        if (recipients.isEmpty() && global.isEmpty()) {
            return; // nobody to tell: no gate links are asked for either
        }
        Notification n = new Notification(canary.id().name(), canary.id().namespace(), alert.text(),
                AlertFields.of(alert.text(), canary, context.provider(), settings.clusterName()), alert.severity(),
                gate(alert.text()).flatMap(g -> gateActions.links(canary, context.runId(), g.wireName())));
        global.ifPresent(g -> global(g, n, context).ifPresent(problems::add));
        for (AlertRef ref : recipients) {
            provider(ref, n, context).ifPresent(problems::add);
        }
    }

    private Optional<String> global(GlobalNotifier g, Notification n, Context context) {
        URI address;
        Optional<String> token;
        try {
            address = URI.create(g.address());
            token = g.token();
        } catch (RuntimeException e) {
            return Optional.of("alert can't be sent: " + e.getMessage());
        }
        return post(g.type(), address, token, g.proxy(), g.channel(), g.username(), n, context)
                .map(error -> "alert can't be sent: " + error);
    }

    private Optional<String> provider(AlertRef ref, Notification n, Context context) {
        String namespace = ref.providerNamespace().filter(ns -> !ns.isEmpty()).orElse(n.namespace());
        String named = "alert provider " + ref.providerName() + "." + namespace;
        Optional<AlertProvider> found = context.document().provider(ref);
        if (found.isEmpty()) {
            return Optional.of(named + " error: alertprovider \"" + ref.providerName() + "\" not found");
        }
        AlertProvider p = found.get();
        Optional<ProviderType> type = ProviderType.of(p.type());
        if (type.isEmpty()) {
            return Optional.of(named + " error: provider " + p.type() + " not supported");
        }
        String address = p.address().orElse("");
        Optional<String> token = Optional.empty();
        if (p.secretRef().isPresent()) {
            Map<String, String> secret;
            try {
                // the canary's namespace, whatever the provider's: a document proves nothing about namespaces
                secret = secrets.resolve(scope.secretId(n.namespace(), p.secretRef().get()));
            } catch (RuntimeException e) {
                return Optional.of(named + " secretRef error: " + e.getMessage());
            }
            if (!secret.containsKey("address")) {
                return Optional.of(named + " secret does not contain an address");
            }
            address = secret.get("address").strip();
            token = Optional.ofNullable(secret.get("token")).filter(t -> !t.isEmpty());
        }
        URI uri;
        Optional<URI> proxy;
        try {
            uri = URI.create(address);
            proxy = p.proxy().map(URI::create);
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new IllegalArgumentException("invalid hook URL " + address);
            }
        } catch (IllegalArgumentException e) {
            return Optional.of(named + " error: " + e.getMessage());
        }
        return post(type.get(), uri, token, proxy, p.channel().orElse("general"), p.username().orElse("flagger"), n, context)
                .map(error -> named + " send error: " + error);
    }

    private Optional<String> post(ProviderType type, URI address, Optional<String> token, Optional<URI> proxy, String channel,
                                  String username, Notification n, Context context) {
        MessageFormat format = type.format();
        byte[] body = GoJsonBody.of(format.body(n, channel, username));
        var post = new AlertPoster.Post(format.address(address), body,
                format.sendsToken() ? token : Optional.empty(), proxy, n.namespace());
        return switch (poster.post(post, context.deadline())) {
            case AlertPoster.Result.Sent sent -> Optional.empty();
            case AlertPoster.Result.Failed failed -> Optional.of("postMessage failed: " + failed.message());
        };
    }

    /** The confirm gate an approval alert is about, if it is one. */
    static Optional<HookType> gate(String message) {
        return switch (message) {
            case FlaggerMessages.Alerts.WAITING_FOR_APPROVAL -> Optional.of(HookType.CONFIRM_ROLLOUT);
            case FlaggerMessages.Alerts.WAITING_FOR_TRAFFIC_INCREASE -> Optional.of(HookType.CONFIRM_TRAFFIC_INCREASE);
            case FlaggerMessages.Alerts.WAITING_FOR_PROMOTION -> Optional.of(HookType.CONFIRM_PROMOTION);
            default -> Optional.empty();
        };
    }
}

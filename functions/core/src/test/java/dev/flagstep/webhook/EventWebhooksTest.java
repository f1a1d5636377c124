package dev.flagstep.webhook;

import static dev.flagstep.testing.WebhookFixtures.hook;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.spec.HookType;
import dev.flagstep.spec.Webhook;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventWebhooksTest {

    private static final URI GLOBAL = URI.create("http://relay.flagger/events");

    @Test
    void canaryEventHooksWinOverTheGlobalOne() {
        Webhook own = hook("slack-relay", HookType.EVENT, URI.create("http://relay/"));
        List<Webhook> hooks = List.of(hook("load", HookType.ROLLOUT, URI.create("http://lt/")), own);
        assertThat(EventWebhooks.targets(hooks, Optional.of(GLOBAL))).containsExactly(own);
    }

    @Test
    void globalHookIsUsedOnlyWithoutEventHooksWithFlaggersSettings() {
        List<Webhook> targets = EventWebhooks.targets(List.of(hook("load", HookType.ROLLOUT, URI.create("http://lt/"))),
                Optional.of(GLOBAL));
        assertThat(targets).containsExactly(
                new Webhook("events", HookType.EVENT, GLOBAL, Duration.ofSeconds(10), 0, false, false, Map.of()));
    }

    @Test
    void noGlobalUrlMeansNoTargets() {
        assertThat(EventWebhooks.targets(List.of(), Optional.empty())).isEmpty();
    }

    @Test
    void globalUrlFromTheEnvironment() {
        assertThat(EventWebhooks.globalUrl(Map.of("EVENT_WEBHOOK_URL", " http://relay.flagger/events ")))
                .contains(GLOBAL);
        assertThat(EventWebhooks.globalUrl(Map.of())).isEmpty();
        assertThat(EventWebhooks.globalUrl(Map.of("EVENT_WEBHOOK_URL", ""))).isEmpty();
        assertThat(EventWebhooks.globalUrl(Map.of("EVENT_WEBHOOK_URL", "not a url"))).isEmpty();
        assertThat(EventWebhooks.globalUrl(Map.of("EVENT_WEBHOOK_URL", "relative/path"))).isEmpty();
    }
}

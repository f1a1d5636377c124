package dev.flagstep.local.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole of flagstep serve: a gate a web page tries to open stays closed; curl with JSON opens it. */
class ServeForgeryTest {

    static ServeHarness h;

    @BeforeAll
    static void start() {
        h = ServeHarness.start();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void aGateCannotBeOpenedFromABrowserTab() {
        String payload = "{\"name\":\"forged\",\"namespace\":\"serve\"}";
        // what <form enctype="text/plain"> and fetch(..., {mode: "no-cors"}) from another site send
        Http.Reply textPlain = h.http.send("POST", "/gate/open", Optional.of("text/plain"), Optional.of(payload), Optional.empty());
        Http.Reply crossOrigin = h.http.send("POST", "/gate/open", Optional.of("application/json"), Optional.of(payload),
                Optional.of(new String[] {"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}));

        assertThat(textPlain.status()).as("%s", textPlain).isEqualTo(415);
        assertThat(crossOrigin.status()).as("%s", crossOrigin).isEqualTo(403);
        assertThat(h.http.postJson("/gate/check", payload).body()).isEqualTo("Forbidden");

        assertThat(h.http.postJson("/gate/open", payload).status()).isEqualTo(202);
        assertThat(h.http.postJson("/gate/check", payload).body()).isEqualTo("Approved");
    }
}

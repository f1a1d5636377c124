package dev.flagstep.local.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flagstep.api.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * flagstep serve refuses what a web page could send: cross-origin requests, CORS-simple bodies, other
 * Host names. Real HTTP on 127.0.0.1; the API behind it records whether anything reached it.
 */
class BrowserGuardTest {

    static final String PAYLOAD = "{\"name\":\"podinfo\",\"namespace\":\"test\"}";

    private final List<String> reached = new CopyOnWriteArrayList<>();
    private final LoopbackHttpServer server = LoopbackHttpServer.bind(0);
    private Http http;

    private void start(Set<String> origins) {
        server.start(req -> {
            reached.add(req.method() + " " + req.path());
            return HttpResponse.empty(202);
        }, new LambdaInvokeApi(name -> Optional.empty()), origins);
        http = new Http(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Http.Reply post(String contentType, String... headers) {
        return http.send("POST", "/gate/open", Optional.ofNullable(contentType), Optional.of(PAYLOAD),
                headers.length == 0 ? Optional.empty() : Optional.of(headers));
    }

    @Test
    void aCrossOriginGateOpenIsRefusedBeforeTheApi() {
        start(Set.of());
        Http.Reply r = post("application/json", "Origin", "https://evil.example");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.json().path("detail").asText()).isEqualTo("cross-origin request from https://evil.example refused: "
                + "flagstep serve answers pages of its own origin (http://127.0.0.1:" + server.port() + ") and of origins given "
                + "with --allow-browser-origin");
        assertThat(r.header("Access-Control-Allow-Origin")).isEmpty();
        assertThat(reached).isEmpty();
    }

    @Test
    void aTextPlainOrFormGateOpenIsRefusedEvenWithoutOrigin() {
        start(Set.of());
        for (String type : List.of("text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x")) {
            Http.Reply r = post(type);
            assertThat(r.status()).as(type).isEqualTo(415);
            assertThat(r.json().path("detail").asText()).as(type).startsWith("Content-Type " + type.split(";")[0].strip()
                    + " is refused on POST /gate/open: any web page can send it without the browser asking first; send "
                    + "application/json (curl: -H 'Content-Type: application/json')");
        }
        assertThat(reached).isEmpty();
    }

    @Test
    void crossSiteFetchMetadataIsRefused() {
        start(Set.of());
        for (String site : List.of("cross-site", "same-site")) {
            Http.Reply r = post("application/json", "Sec-Fetch-Site", site);
            assertThat(r.status()).as(site).isEqualTo(403);
            assertThat(r.json().path("detail").asText()).as(site).startsWith(site + " request refused (Sec-Fetch-Site: " + site + ")");
        }
        assertThat(http.send("GET", "/canaries", Optional.empty(), Optional.empty(),
                Optional.of(new String[] {"Origin", "http://127.0.0.1:1"})).status()).as("reads too").isEqualTo(403);
        assertThat(reached).isEmpty();
    }

    @Test
    void commandLineClientsAndTheServersOwnPagesPass() {
        start(Set.of());
        assertThat(post("application/json").status()).as("curl -H 'Content-Type: application/json'").isEqualTo(202);
        assertThat(post(null).status()).as("no body type (Flagger's loadtester clients, aws lambda invoke)").isEqualTo(202);
        assertThat(post("application/json", "Origin", "http://127.0.0.1:" + server.port(), "Sec-Fetch-Site", "same-origin")
                .status()).as("its own origin").isEqualTo(202);
        assertThat(post("application/json", "Sec-Fetch-Site", "none").status()).as("typed into the address bar").isEqualTo(202);
        assertThat(http.get("/canaries").status()).isEqualTo(202);
        assertThat(reached).hasSize(5);
    }

    @Test
    void anotherHostNameIsRefusedSoDnsRebindingCannotMakeAPageSameOrigin() throws IOException {
        start(Set.of());
        String answer = raw("POST /gate/open HTTP/1.1\r\nHost: rebound.evil.example:" + server.port()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + PAYLOAD.length() + "\r\nConnection: close\r\n\r\n" + PAYLOAD);

        assertThat(answer).startsWith("HTTP/1.1 403").contains("Host rebound.evil.example:" + server.port() + " refused");
        assertThat(raw("GET /canaries HTTP/1.1\r\nHost: localhost:" + server.port() + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 202");
        assertThat(reached).containsExactly("GET /canaries");
    }

    @Test
    void anExplicitlyAllowedOriginGetsCorsAndStillNoSimpleBodies() {
        start(Set.of("http://localhost:3000"));
        Http.Reply preflight = http.send("OPTIONS", "/gate/open", Optional.empty(), Optional.empty(), Optional.of(new String[] {
                "Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "content-type"}));
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).contains("http://localhost:3000");
        assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Content-Type");

        Http.Reply json = post("application/json", "Origin", "http://localhost:3000", "Sec-Fetch-Site", "same-site");
        assertThat(json.status()).isEqualTo(202);
        assertThat(json.header("Access-Control-Allow-Origin")).contains("http://localhost:3000");

        assertThat(post("text/plain", "Origin", "http://localhost:3000").status()).isEqualTo(415);
        assertThat(post("application/json", "Origin", "http://localhost:3001").status()).isEqualTo(403);
        assertThat(reached).containsExactly("POST /gate/open");
    }

    /** A gate link's confirmation page posts its button as a form, to its own URL: that one form POST passes. */
    @Test
    void theGateLinkPagesOwnFormPostPassesAndNothingElseLikeIt() {
        start(Set.of());
        String own = "http://127.0.0.1:" + server.port();
        String form = "application/x-www-form-urlencoded";

        Http.Reply sameOrigin = http.send("POST", "/links/abc.def", Optional.of(form), Optional.of("confirm=yes"),
                Optional.of(new String[] {"Origin", own, "Sec-Fetch-Site", "same-origin"}));
        Http.Reply noOrigin = http.send("POST", "/links/abc.def", Optional.of(form), Optional.of("confirm=yes"), Optional.empty());
        Http.Reply crossOrigin = http.send("POST", "/links/abc.def", Optional.of(form), Optional.of("confirm=yes"),
                Optional.of(new String[] {"Origin", "https://evil.example"}));
        Http.Reply crossSite = http.send("POST", "/links/abc.def", Optional.of(form), Optional.of("confirm=yes"),
                Optional.of(new String[] {"Sec-Fetch-Site", "cross-site"}));
        Http.Reply textPlain = http.send("POST", "/links/abc.def", Optional.of("text/plain"), Optional.of("x"), Optional.empty());
        Http.Reply otherPath = http.send("POST", "/links/abc.def/more", Optional.of(form), Optional.of("x"), Optional.empty());
        Http.Reply gateOpen = post(form);

        assertThat(sameOrigin.status()).isEqualTo(202);
        assertThat(noOrigin.status()).isEqualTo(202);
        assertThat(crossOrigin.status()).isEqualTo(403);
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(textPlain.status()).isEqualTo(415);
        assertThat(otherPath.status()).isEqualTo(415);
        assertThat(gateOpen.status()).isEqualTo(415);
        assertThat(reached).containsExactly("POST /links/abc.def", "POST /links/abc.def");
    }

    @Test
    void theOptionTakesOriginsOnly() {
        assertThat(BrowserGuard.parseOrigins(Optional.of("http://localhost:3000, https://Ops.Example.com")))
                .containsExactly("http://localhost:3000", "https://ops.example.com");
        assertThat(BrowserGuard.parseOrigins(Optional.empty())).isEmpty();
        for (String bad : List.of("localhost:3000", "http://localhost:3000/ui", "ftp://x", "*", "http://u:p@x")) {
            assertThatThrownBy(() -> BrowserGuard.parseOrigins(Optional.of(bad))).as(bad)
                    .hasMessageStartingWith("--allow-browser-origin takes origins such as http://localhost:3000");
        }
    }

    private String raw(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

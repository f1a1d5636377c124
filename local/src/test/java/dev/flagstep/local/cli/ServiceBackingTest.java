package dev.flagstep.local.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --service NAME.NS[:PORT]=URL}: the forms it takes, and a clear error naming the option for the rest. */
class ServiceBackingTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "flagger-loadtester.test=http://127.0.0.1:8080         | flagger-loadtester | test           | 80   | http://127.0.0.1:8080",
            "flagger-loadtester.test.svc=http://127.0.0.1:8080     | flagger-loadtester | test           | 80   | http://127.0.0.1:8080",
            "prometheus.istio-system.svc.cluster.local:9090=http://localhost:9091/ | prometheus | istio-system | 9090 | http://localhost:9091",
            "telegram.bot:8080=http://127.0.0.1:18080              | telegram           | bot            | 8080 | http://127.0.0.1:18080",
            "secure.test=https://127.0.0.1:8443                    | secure             | test           | 443  | https://127.0.0.1:8443",
            "web.test=http://127.0.0.1                             | web                | test           | 80   | http://127.0.0.1:80",
            "a1.0ns=http://127.0.0.1:1                             | a1                 | 0ns            | 80   | http://127.0.0.1:1",
    })
    void validForms(String value, String name, String namespace, int port, String server) {
        assertThat(ServiceBacking.parse(value)).isEqualTo(new ServiceBacking(name, namespace, port, URI.create(server)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "flagger-loadtester.test                              | no '=' between the Service and the local server's URL",
            "flagger-loadtester=http://127.0.0.1:8080             | \"flagger-loadtester\" is not NAME.NAMESPACE, NAME.NAMESPACE.svc or NAME.NAMESPACE.svc.cluster.local",
            "a.b.c=http://127.0.0.1:8080                          | \"a.b.c\" is not NAME.NAMESPACE",
            "a.b.svc.other.domain=http://127.0.0.1:8080           | is not NAME.NAMESPACE",
            "Loadtester.test=http://127.0.0.1:8080                | \"Loadtester\" is not a Service name",
            "1st.test=http://127.0.0.1:8080                       | \"1st\" is not a Service name",
            "a.te_st=http://127.0.0.1:8080                        | \"te_st\" is not a namespace name",
            "a.test:http=http://127.0.0.1:8080                    | the Service port must be a number 1-65535, got \"http\"",
            "a.test:0=http://127.0.0.1:8080                       | the Service port must be a number 1-65535, got \"0\"",
            "a.test:65536=http://127.0.0.1:8080                   | the Service port must be a number 1-65535",
            "a.test=ftp://127.0.0.1:8080                          | must start with http:// or https://",
            "a.test=127.0.0.1:8080                                | must start with http:// or https://",
            "a.test=http://example.com:8080                       | must be on this machine (127.0.0.1 or localhost)",
            "a.test=http://127.0.0.1:8080/hooks                   | a scheme, host and port only",
            "a.test=http://127.0.0.1:8080/?x=1                    | a scheme, host and port only",
            "a.test=http://u:p@127.0.0.1:8080                     | a scheme, host and port only",
            "a.test=http://127.0.0.1:80 80                        | is not a URL",
    })
    void badFormsNameTheOptionTheFormAndWhatIsWrong(String value, String why) {
        assertThatThrownBy(() -> ServiceBacking.parse(value)).isInstanceOf(Args.UsageException.class)
                .hasMessageStartingWith("--service NAME.NAMESPACE[:PORT]=http://127.0.0.1:PORT expected, got \"" + value + "\": ")
                .hasMessageContaining(why);
    }

    @Test
    void theSameServiceTwiceIsAnError() {
        assertThatThrownBy(() -> ServiceBacking.parseAll(List.of("a.test=http://127.0.0.1:1", "a.test.svc:81=http://127.0.0.1:2")))
                .isInstanceOf(Args.UsageException.class).hasMessageContaining("Service a.test is backed twice");
    }

    @Test
    void aRepeatableOptionKeepsEveryValueInOrder() {
        Args args = Args.parse(List.of("--service", "a.test=http://127.0.0.1:1", "x.yaml", "--service=b.test=http://127.0.0.1:2",
                "--speed", "3"), Set.of("speed"), Set.of("service"), Set.of());

        assertThat(args.all("service")).containsExactly("a.test=http://127.0.0.1:1", "b.test=http://127.0.0.1:2");
        assertThat(args.positional()).containsExactly("x.yaml");
        assertThat(args.option("speed")).contains("3");
        assertThat(args.all("other")).isEmpty();
        assertThat(ServiceBacking.parseAll(args.all("service"))).extracting(ServiceBacking::name).containsExactly("a", "b");
    }
}

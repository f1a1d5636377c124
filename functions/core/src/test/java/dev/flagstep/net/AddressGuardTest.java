package dev.flagstep.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The address policy, exhaustively (IP literals: no DNS), and its connect-time half. */
class AddressGuardTest {

    static final AddressGuard AWS = AddressGuard.aws(Map.of("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"));
    static final AddressGuard LOCAL = AddressGuard.local();

    @ParameterizedTest(name = "{0}: aws {1}, local {2}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1          | a loopback address     | ",
            "127.255.255.254    | a loopback address     | ",
            "::1                | a loopback address     | ",
            "::ffff:127.0.0.1   | a loopback address     | ",
            "::127.0.0.1        | a loopback address     | ",
            "64:ff9b::7f00:1    | a loopback address     | ",
            "169.254.169.254    | a link-local address   | a link-local address",
            "169.254.0.1        | a link-local address   | a link-local address",
            "::ffff:169.254.169.254 | a link-local address | a link-local address",
            "64:ff9b::a9fe:a9fe | a link-local address   | a link-local address",
            "fe80::1            | a link-local address   | a link-local address",
            "febf:ffff::1       | a link-local address   | a link-local address",
            "fd00:ec2::254      | an AWS-internal address (fd00:ec2::/16: instance metadata, DNS) | an AWS-internal address (fd00:ec2::/16: instance metadata, DNS)",
            "fd00:ec2::253      | an AWS-internal address (fd00:ec2::/16: instance metadata, DNS) | an AWS-internal address (fd00:ec2::/16: instance metadata, DNS)",
            "0.0.0.0            | an unspecified address (0.0.0.0/8 or ::) | an unspecified address (0.0.0.0/8 or ::)",
            "0.1.2.3            | an unspecified address (0.0.0.0/8 or ::) | an unspecified address (0.0.0.0/8 or ::)",
            "::                 | an unspecified address (0.0.0.0/8 or ::) | an unspecified address (0.0.0.0/8 or ::)",
            "::ffff:0.0.0.0     | an unspecified address (0.0.0.0/8 or ::) | an unspecified address (0.0.0.0/8 or ::)",
            "8.8.8.8            |                        | ",
            "10.0.0.1           |                        | ",
            "172.16.0.1         |                        | ",
            "192.168.1.1        |                        | ",
            "169.253.255.255    |                        | ",
            "169.255.0.1        |                        | ",
            "128.0.0.1          |                        | ",
            "1.0.0.0            |                        | ",
            "2600:1f18::1       |                        | ",
            "fd00:ec3::1        |                        | ",
            "fc00::1            |                        | ",
            "fec0::1            |                        | ",
            "::2                | an unspecified address (0.0.0.0/8 or ::) | an unspecified address (0.0.0.0/8 or ::)",
            "64:ff9b::808:808   |                        | ",
    })
    void refusals(String literal, String aws, String local) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(literal);
        assertThat(AWS.refusal(address)).isEqualTo(Optional.ofNullable(aws));
        assertThat(LOCAL.refusal(address)).isEqualTo(Optional.ofNullable(local));
    }

    @Test
    void everyResolvedAddressIsCheckedNotOnlyTheFirst() {
        AddressGuard guard = AddressGuard.aws(Optional.empty(), host -> new InetAddress[] {
                InetAddress.getByName("203.0.113.10"), InetAddress.getByName("169.254.169.254")});
        assertThatThrownBy(() -> guard.check(URI.create("https://hooks.example.com/x"))).isInstanceOf(RefusedAddressException.class)
                .hasMessage("https://hooks.example.com/x resolves to a link-local address (169.254.169.254), refused in the AWS deployment");
    }

    @Test
    void aHostThatDoesNotResolvePassesAndFailsLaterAsItWouldAnyway() {
        AddressGuard guard = AddressGuard.aws(Optional.empty(), host -> {
            throw new UnknownHostException(host);
        });
        assertThatCode(() -> guard.check(URI.create("http://nowhere.invalid/"))).doesNotThrowAnyException();
    }

    @Test
    void theRuntimeApiIsRefusedByHostAndPortWhateverItsAddress() {
        AddressGuard guard = AddressGuard.aws(Optional.of("203.0.113.7:9001"), host -> new InetAddress[] {InetAddress.getByName(host)});
        assertThatThrownBy(() -> guard.check(URI.create("http://203.0.113.7:9001/2018-06-01/runtime/invocation/next")))
                .hasMessage("http://203.0.113.7:9001/2018-06-01/runtime/invocation/next is the Lambda runtime API "
                        + "(AWS_LAMBDA_RUNTIME_API), refused in the AWS deployment");
        assertThatThrownBy(() -> guard.check(URI.create("http://[::ffff:203.0.113.7]:9001/")))
                .hasMessageContaining("is the Lambda runtime API");
        assertThatCode(() -> guard.check(URI.create("http://203.0.113.7:9002/"))).doesNotThrowAnyException();

        AddressGuard named = AddressGuard.aws(Optional.of("runtime.internal:9001"), host -> new InetAddress[] {
                InetAddress.getByName("203.0.113.8")});
        assertThatThrownBy(() -> named.check(URI.create("http://RUNTIME.internal:9001/"))).hasMessageContaining("is the Lambda runtime API");
        assertThat(AddressGuard.HostPort.parse("[::1]:9001")).contains(new AddressGuard.HostPort("::1", 9001));
        assertThat(AddressGuard.HostPort.parse("nonsense")).isEmpty();
    }

    @Test
    void messagesNeverShowAPasswordFromTheUrl() {
        assertThatThrownBy(() -> AWS.check(URI.create("http://user:hunter2@127.0.0.1:8080/hook")))
                .hasMessage("http://127.0.0.1:8080/hook resolves to a loopback address (127.0.0.1), refused in the AWS deployment");
    }

    @Test
    void theJvmResolvesThroughTheGuardedProvider() throws UnknownHostException {
        InetAddress.getAllByName("localhost");
        assertThat(GuardedResolverProvider.active()).as("META-INF/services registers it and the JDK loaded it").isTrue();
    }

    @Test
    void theConnectsOwnLookupIsCheckedWhileALeaseIsOpen() throws UnknownHostException {
        // DNS rebinding: the check saw a public address, the connect's lookup answers loopback
        AddressGuard guard = AddressGuard.aws(Optional.empty(), host -> new InetAddress[] {InetAddress.getByName("203.0.113.10")});
        InetAddressResolver rebinding = new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                return Stream.of(InetAddress.getByName("127.0.0.1"));
            }

            @Override
            public String lookupByAddress(byte[] addr) {
                throw new UnsupportedOperationException();
            }
        };
        var resolver = new GuardedResolverProvider.Guarded(rebinding);
        var policy = InetAddressResolver.LookupPolicy.of(InetAddressResolver.LookupPolicy.IPV4);

        try (AddressGuard.Lease lease = guard.lease(URI.create("http://rebind.example.com/hook"))) {
            assertThatThrownBy(() -> resolver.lookupByName("Rebind.Example.com", policy))
                    .isInstanceOf(GuardedResolverProvider.RefusedHostException.class)
                    .hasMessage("Rebind.Example.com resolves to a loopback address (127.0.0.1) at connect time, refused in the AWS deployment");
            assertThat(lease.refusal()).hasValueSatisfying(r -> assertThat(r).contains("at connect time"));
            assertThat(resolver.lookupByName("other.example.com", policy).toList()).as("other hosts pass through")
                    .containsExactly(InetAddress.getByName("127.0.0.1"));
        }
        assertThat(resolver.lookupByName("rebind.example.com", policy).toList()).as("after the request, no longer guarded")
                .isEqualTo(List.of(InetAddress.getByName("127.0.0.1")));
    }
}

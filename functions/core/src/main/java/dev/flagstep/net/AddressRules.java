package dev.flagstep.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * What kind of special address an IP is, for the guard's decisions. Pure. IPv6 forms that carry an
 * IPv4 address (IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}; IPv4-mapped
 * {@code ::ffff:a.b.c.d} the JDK already turns into IPv4) are judged by that IPv4 address too.
 */
final class AddressRules {

    /** The kinds, each with the words an error message uses. */
    enum Kind {
        LOOPBACK("a loopback address"),
        LINK_LOCAL("a link-local address"),
        AWS_INTERNAL("an AWS-internal address (fd00:ec2::/16: instance metadata, DNS)"),
        UNSPECIFIED("an unspecified address (0.0.0.0/8 or ::)");

        final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};

    private AddressRules() {}

    static Optional<Kind> kind(InetAddress address) {
        return switch (address) {
            case Inet4Address v4 -> kind4(v4.getAddress());
            case Inet6Address v6 -> kind6(v6.getAddress());
            default -> Optional.empty();
        };
    }

    private static Optional<Kind> kind4(byte[] a) {
        int first = a[0] & 0xff;
        if (first == 127) {
            return Optional.of(Kind.LOOPBACK);
        }
        if (first == 169 && (a[1] & 0xff) == 254) {
            return Optional.of(Kind.LINK_LOCAL);
        }
        if (first == 0) {
            return Optional.of(Kind.UNSPECIFIED);
        }
        return Optional.empty();
    }

    private static Optional<Kind> kind6(byte[] a) {
        boolean zeroHead = Arrays.equals(a, 0, 12, new byte[12], 0, 12);
        if (zeroHead && Arrays.equals(a, 12, 16, new byte[] {0, 0, 0, 1}, 0, 4)) {
            return Optional.of(Kind.LOOPBACK); // ::1
        }
        if (zeroHead && Arrays.equals(a, 12, 16, new byte[4], 0, 4)) {
            return Optional.of(Kind.UNSPECIFIED); // ::
        }
        if ((a[0] & 0xff) == 0xfe && (a[1] & 0xc0) == 0x80) {
            return Optional.of(Kind.LINK_LOCAL); // fe80::/10
        }
        if ((a[0] & 0xff) == 0xfd && a[1] == 0 && (a[2] & 0xff) == 0x0e && (a[3] & 0xff) == 0xc2) {
            return Optional.of(Kind.AWS_INTERNAL); // fd00:ec2::/16
        }
        boolean mapped = Arrays.equals(a, 0, 10, new byte[10], 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
        if (zeroHead || mapped || Arrays.equals(a, 0, 12, NAT64_PREFIX, 0, 12)) {
            return kind4(embedded(a));
        }
        return Optional.empty();
    }

    private static byte[] embedded(byte[] v6) {
        return Arrays.copyOfRange(v6, 12, 16);
    }

    /** The IPv4 address an IPv6 one carries in its low 32 bits, for comparisons with the runtime API. */
    static InetAddress normalised(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] a = v6.getAddress();
            boolean zeroHead = Arrays.equals(a, 0, 12, new byte[12], 0, 12) && !(a[15] == 1 && a[14] == 0 && a[13] == 0 && a[12] == 0)
                    && !Arrays.equals(a, 12, 16, new byte[4], 0, 4);
            if (zeroHead || Arrays.equals(a, 0, 12, NAT64_PREFIX, 0, 12)) {
                try {
                    return InetAddress.getByAddress(embedded(a));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e); // four bytes are always an IPv4 address
                }
            }
        }
        return address;
    }
}

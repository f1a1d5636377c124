package dev.flagstep.webhook;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The few pieces of Go's {@code encoding/json} (Go 1.22+) that Flagger's webhook and alert bodies need, byte for
 * byte: {@code json.Marshal}'s string escaping (HTML-safe) and its map-key order. Receivers such as
 * flagger-loadtester never see a difference, and signatures over the body are reproducible.
 */
public final class GoJson {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /**
     * Go sorts string map keys with {@code strings.Compare}, i.e. by their UTF-8 bytes. Java's
     * {@code String.compareTo} compares UTF-16 units, which orders supplementary characters
     * differently from characters in U+E000..U+FFFF.
     */
    static final Comparator<String> KEY_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private GoJson() {
    }

    /** Appends {@code s} as a quoted JSON string, escaped as {@code json.Marshal} does. */
    public static void appendString(ByteArrayOutputStream out, String s) {
        out.write('"');
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c < 0x80) {
                appendAscii(out, c);
                i++;
            } else if (c == '\u2028' || c == '\u2029') {
                // Go escapes the JavaScript line separators too (they break JSONP).
                appendUnicodeEscape(out, c);
                i++;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                writeUtf8(out, s.substring(i, i + 2));
                i += 2;
            } else if (Character.isSurrogate(c)) {
                // A lone surrogate is invalid UTF-8 after encoding; Go writes the escaped replacement char.
                appendUnicodeEscape(out, '\ufffd');
                i++;
            } else {
                writeUtf8(out, String.valueOf(c));
                i++;
            }
        }
        out.write('"');
    }

    private static void appendAscii(ByteArrayOutputStream out, char c) {
        switch (c) {
            case '"' -> { out.write('\\'); out.write('"'); }
            case '\\' -> { out.write('\\'); out.write('\\'); }
            case '\b' -> { out.write('\\'); out.write('b'); }
            case '\f' -> { out.write('\\'); out.write('f'); }
            case '\n' -> { out.write('\\'); out.write('n'); }
            case '\r' -> { out.write('\\'); out.write('r'); }
            case '\t' -> { out.write('\\'); out.write('t'); }
            // HTML-escaping is on by default in json.Marshal: this is what turns "&&" into \u0026\u0026.
            case '<', '>', '&' -> appendUnicodeEscape(out, c);
            default -> {
                if (c < 0x20) {
                    appendUnicodeEscape(out, c);
                } else {
                    out.write(c);
                }
            }
        }
    }

    private static void appendUnicodeEscape(ByteArrayOutputStream out, char c) {
        out.write('\\');
        out.write('u');
        out.write(HEX[(c >> 12) & 0xF]);
        out.write(HEX[(c >> 8) & 0xF]);
        out.write(HEX[(c >> 4) & 0xF]);
        out.write(HEX[c & 0xF]);
    }

    private static void writeUtf8(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public static void appendRaw(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
    }
}

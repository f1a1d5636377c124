package dev.flagstep.workload.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Flagger's config checksum, byte for byte: SHA-256 of Go's {@code json.Marshal} of the object's {@code data} map,
 * first 8 bytes in lower-case hex. Go's encoder sorts keys by their bytes, escapes {@code < > &} and U+2028/U+2029,
 * and writes an absent map as {@code null}; the API server omits an empty {@code data}, so Flagger hashes an empty
 * ConfigMap as {@code null} too. A Secret's {@code data} values are already base64 text, as Go marshals
 * {@code []byte}. {@code binaryData}, {@code stringData}, labels and annotations are not hashed. Pure.
 */
public final class ConfigChecksum {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ConfigChecksum() {}

    /** The checksum of a ConfigMap's or Secret's {@code data} (a missing node, JSON null or empty object: Go's nil map). */
    public static String of(JsonNode data) {
        return sha256Prefix(goJson(data));
    }

    static String goJson(JsonNode data) {
        if (data == null || !data.isObject() || data.isEmpty()) return "null";
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(data.properties());
        entries.sort((a, b) -> Arrays.compareUnsigned(utf8(a.getKey()), utf8(b.getKey())));
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, JsonNode> e : entries) {
            if (out.length() > 1) out.append(',');
            string(e.getKey(), out);
            out.append(':');
            string(e.getValue().asText(), out);
        }
        return out.append('}').toString();
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else if (Character.isSurrogate(c)) {
                        // a pair is one code point; a lone surrogate is invalid UTF-8 to Go: U+FFFD
                        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else {
                            out.append('\uFFFD');
                        }
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256Prefix(String json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(utf8(json));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}

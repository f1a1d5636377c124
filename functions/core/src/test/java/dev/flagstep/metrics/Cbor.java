package dev.flagstep.metrics;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small RFC 8949 CBOR codec, written independently of the SDK so the CloudWatch fake checks what
 * the SDK really puts on the wire (smithy-rpc-v2-cbor: indefinite-length maps, tag 1 timestamps).
 * Decodes to Map/List/String/Long/Double/Boolean/null and {@link Instant} for tag 1.
 */
final class Cbor {

    private Cbor() {}

    static Object decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Object value = read(in);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes after CBOR item");
        }
        return value;
    }

    private static final Object BREAK = new Object();

    private static Object read(ByteBuffer in) {
        int initial = in.get() & 0xff;
        int major = initial >>> 5;
        int info = initial & 0x1f;
        if (initial == 0xff) {
            return BREAK;
        }
        return switch (major) {
            case 0 -> argument(in, info);
            case 1 -> -1 - argument(in, info);
            case 2 -> {
                byte[] b = new byte[(int) argument(in, info)];
                in.get(b);
                yield b;
            }
            case 3 -> {
                if (info == 31) {
                    StringBuilder s = new StringBuilder();
                    for (Object chunk = read(in); chunk != BREAK; chunk = read(in)) {
                        s.append((String) chunk);
                    }
                    yield s.toString();
                }
                byte[] b = new byte[(int) argument(in, info)];
                in.get(b);
                yield new String(b, StandardCharsets.UTF_8);
            }
            case 4 -> {
                List<Object> list = new ArrayList<>();
                if (info == 31) {
                    for (Object item = read(in); item != BREAK; item = read(in)) {
                        list.add(item);
                    }
                } else {
                    for (long n = argument(in, info); n > 0; n--) {
                        list.add(read(in));
                    }
                }
                yield list;
            }
            case 5 -> {
                Map<String, Object> map = new LinkedHashMap<>();
                if (info == 31) {
                    for (Object key = read(in); key != BREAK; key = read(in)) {
                        map.put((String) key, read(in));
                    }
                } else {
                    for (long n = argument(in, info); n > 0; n--) {
                        map.put((String) read(in), read(in));
                    }
                }
                yield map;
            }
            case 6 -> {
                long tag = argument(in, info);
                Object tagged = read(in);
                if (tag != 1) {
                    throw new IllegalArgumentException("unexpected CBOR tag " + tag);
                }
                double seconds = ((Number) tagged).doubleValue();
                yield Instant.ofEpochMilli(Math.round(seconds * 1000));
            }
            case 7 -> switch (info) {
                case 20 -> false;
                case 21 -> true;
                case 22, 23 -> null;
                case 25 -> (double) Float.float16ToFloat(in.getShort());
                case 26 -> (double) in.getFloat();
                case 27 -> in.getDouble();
                default -> throw new IllegalArgumentException("unsupported simple value " + info);
            };
            default -> throw new IllegalStateException();
        };
    }

    private static long argument(ByteBuffer in, int info) {
        return switch (info) {
            case 24 -> in.get() & 0xffL;
            case 25 -> in.getShort() & 0xffffL;
            case 26 -> in.getInt() & 0xffffffffL;
            case 27 -> in.getLong();
            default -> {
                if (info < 24) {
                    yield info;
                }
                throw new IllegalArgumentException("unsupported CBOR length encoding " + info);
            }
        };
    }

    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        switch (value) {
            case null -> out.write(0xf6);
            case Boolean b -> out.write(b ? 0xf5 : 0xf4);
            case Integer i -> writeInteger(out, i);
            case Long l -> writeInteger(out, l);
            case Double d -> {
                out.write(0xfb);
                out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
            }
            case String s -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                head(out, 3, b.length);
                out.writeBytes(b);
            }
            case Instant t -> {
                head(out, 6, 1);
                write(out, t.toEpochMilli() / 1000.0);
            }
            case List<?> list -> {
                head(out, 4, list.size());
                list.forEach(item -> write(out, item));
            }
            case Map<?, ?> map -> {
                head(out, 5, map.size());
                map.forEach((k, v) -> {
                    write(out, k);
                    write(out, v);
                });
            }
            default -> throw new IllegalArgumentException("cannot encode " + value.getClass());
        }
    }

    private static void writeInteger(ByteArrayOutputStream out, long v) {
        if (v >= 0) {
            head(out, 0, v);
        } else {
            head(out, 1, -1 - v);
        }
    }

    private static void head(ByteArrayOutputStream out, int major, long n) {
        int m = major << 5;
        if (n < 24) {
            out.write(m | (int) n);
        } else if (n < 0x100) {
            out.write(m | 24);
            out.write((int) n);
        } else if (n < 0x10000) {
            out.write(m | 25);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) n).array());
        } else if (n < 0x100000000L) {
            out.write(m | 26);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) n).array());
        } else {
            out.write(m | 27);
            out.writeBytes(ByteBuffer.allocate(8).putLong(n).array());
        }
    }
}

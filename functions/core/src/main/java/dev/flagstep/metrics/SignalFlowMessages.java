package dev.flagstep.metrics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * SignalFlow's binary data messages, as Splunk Observability's WebSocket API sends them (and the Go client
 * Flagger uses reads them): a 20-byte header (version, type, flags: bit 0 gzip, bit 1 JSON; reserved; the
 * channel name, 16 bytes NUL-padded), then a 12-byte data header (timestamp ms, element count) and
 * 17 bytes per element (value type: 1 long, 2 double, 3 int32; the time series id; 8 value bytes), big-endian.
 */
final class SignalFlowMessages {

    private static final int HEADER = 20;
    private static final int DATA_HEADER = 12;
    private static final int ELEMENT = 17;

    /** One datapoint of one time series. */
    record Payload(int type, long tsid, long bits) {
        /** Long, double or int32 as a double; another type has no value (dropped, as Flagger does). */
        Optional<Double> value() {
            return switch (type) {
                case 1 -> Optional.of((double) bits);
                case 2 -> Optional.of(Double.longBitsToDouble(bits));
                case 3 -> Optional.of((double) (int) (bits >>> 32));
                default -> Optional.empty();
            };
        }
    }

    /** A decoded data message. */
    record Data(String channel, long timestampMillis, List<Payload> payloads) {}

    private SignalFlowMessages() {}

    static Data decode(byte[] message) {
        if (message.length <= HEADER) {
            throw new MetricQueryException("expected SignalFlow message of at least 21 bytes, got " + message.length + " bytes");
        }
        int flags = message[2] & 0xff;
        int length = 0;
        while (length < 16 && message[4 + length] != 0) {
            length++;
        }
        String channel = new String(message, 4, length, StandardCharsets.UTF_8);
        byte[] rest = java.util.Arrays.copyOfRange(message, HEADER, message.length);
        if ((flags & 1) != 0) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(rest))) {
                rest = in.readAllBytes();
            } catch (IOException e) {
                throw new MetricQueryException("could not parse SignalFlow message: " + e.getMessage(), e);
            }
        }
        if ((flags & 2) != 0) {
            throw new MetricQueryException("could not parse SignalFlow message: cannot handle json binary message");
        }
        ByteBuffer in = ByteBuffer.wrap(rest);
        if (in.remaining() < DATA_HEADER) {
            throw new MetricQueryException("could not parse SignalFlow message: short data header");
        }
        long timestamp = in.getLong();
        long count = Integer.toUnsignedLong(in.getInt());
        if (in.remaining() < count * ELEMENT) {
            throw new MetricQueryException("could not parse SignalFlow message: " + count + " elements announced, "
                    + in.remaining() + " bytes left");
        }
        List<Payload> payloads = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            payloads.add(new Payload(in.get() & 0xff, in.getLong(), in.getLong()));
        }
        return new Data(channel, timestamp, payloads);
    }
}

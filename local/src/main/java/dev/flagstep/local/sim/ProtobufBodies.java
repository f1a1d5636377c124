package dev.flagstep.local.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Request bodies in Kubernetes' protobuf encoding ({@code application/vnd.kubernetes.protobuf}), which kubectl's
 * typed commands send for built-in kinds ({@code kubectl create namespace}); {@code kubectl apply}, {@code edit} and
 * {@code set} send JSON. The mock reads JSON only (a protobuf body never gets an answer) and decoding a message needs
 * its schema, so only a Namespace (name, generateName, labels, annotations, finalizers) is read: it is the one object
 * a local GitOps walk-through creates that way. A real API server answers 415 for a content type it does not read.
 *
 * <p>The wire format: the magic {@code k8s\0}, then a {@code runtime.Unknown} message (1: typeMeta {1: apiVersion,
 * 2: kind}, 2: raw, the object's own message); a Namespace is {1: metadata ObjectMeta, 2: spec {1: finalizers}}, an
 * ObjectMeta {1: name, 2: generateName, 11: labels, 12: annotations}, a map entry {1: key, 2: value}.
 */
final class ProtobufBodies {

    static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ProtobufBodies() {
    }

    static boolean isProtobuf(String contentType) {
        return contentType.split(";")[0].trim().equalsIgnoreCase(CONTENT_TYPE);
    }

    /** The JSON of a protobuf-encoded Namespace; empty for any other kind or a body that is not one. */
    static Optional<ObjectNode> namespace(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        try {
            Message unknown = new Message(Arrays.copyOfRange(body, MAGIC.length, body.length));
            Message typeMeta = unknown.message(1);
            if (!typeMeta.string(1).equals("v1") || !typeMeta.string(2).equals("Namespace")) return Optional.empty();
            Message namespace = unknown.message(2);
            Message meta = namespace.message(1);
            ObjectNode out = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Namespace");
            ObjectNode metadata = out.putObject("metadata");
            putIfSet(metadata, "name", meta.string(1));
            putIfSet(metadata, "generateName", meta.string(2));
            putMap(metadata, "labels", meta, 11);
            putMap(metadata, "annotations", meta, 12);
            var finalizers = namespace.message(2).strings(1);
            if (!finalizers.isEmpty()) finalizers.forEach(out.putObject("spec").putArray("finalizers")::add);
            return Optional.of(out);
        } catch (IllegalArgumentException | IndexOutOfBoundsException malformed) {
            return Optional.empty();
        }
    }

    private static void putIfSet(ObjectNode to, String field, String value) {
        if (!value.isEmpty()) to.put(field, value);
    }

    private static void putMap(ObjectNode to, String field, Message from, int number) {
        var entries = from.messages(number);
        if (entries.isEmpty()) return;
        ObjectNode map = to.putObject(field);
        for (Message e : entries) map.put(e.string(1), e.string(2));
    }

    /** One protobuf message's fields, read on demand; only the wire types a Kubernetes object uses. */
    private record Message(byte[] bytes) {

        /** The last value of length-delimited field {@code number} as a message; an empty message when absent. */
        Message message(int number) {
            var all = fields(number);
            return new Message(all.isEmpty() ? new byte[0] : all.getLast());
        }

        List<Message> messages(int number) {
            return fields(number).stream().map(Message::new).toList();
        }

        String string(int number) {
            var all = fields(number);
            return all.isEmpty() ? "" : new String(all.getLast(), StandardCharsets.UTF_8);
        }

        List<String> strings(int number) {
            return fields(number).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
        }

        /** The payloads of the length-delimited occurrences of field {@code number}, in order. */
        private List<byte[]> fields(int number) {
            List<byte[]> out = new ArrayList<>();
            int[] at = {0};
            while (at[0] < bytes.length) {
                long key = varint(at);
                int wire = (int) (key & 7);
                switch (wire) {
                    case 0 -> varint(at);
                    case 1 -> at[0] += 8;
                    case 5 -> at[0] += 4;
                    case 2 -> {
                        int length = Math.toIntExact(varint(at));
                        if (length < 0 || at[0] + length > bytes.length) throw new IllegalArgumentException("truncated");
                        if (key >>> 3 == number) out.add(Arrays.copyOfRange(bytes, at[0], at[0] + length));
                        at[0] += length;
                    }
                    default -> throw new IllegalArgumentException("wire type " + wire);
                }
            }
            return out;
        }

        private long varint(int[] at) {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = bytes[at[0]++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) return value;
            }
            throw new IllegalArgumentException("varint too long");
        }
    }
}

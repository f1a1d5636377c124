package dev.flagstep.net;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read up to a limit: the first {@code limit} bytes, and whether there were more.
 * Once past the limit the subscription is cancelled (the connection is dropped), so a receiver that
 * answers gigabytes costs neither memory nor time. Flagger reads whole bodies; a webhook's body only
 * becomes a message, a metric's must be a small JSON document, so a bound changes no outcome.
 */
public record BoundedBody(byte[] bytes, boolean truncated, int limit) {

    /** Webhook responses: loadtester command output and error texts fit easily. */
    public static final int WEBHOOK_LIMIT = 64 * 1024;
    /** Prometheus answers: one instant vector, even with many series, is far smaller. */
    public static final int METRICS_LIMIT = 1024 * 1024;

    public BoundedBody {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The body as UTF-8 text, with a marker at the end when it was cut. */
    public String text() {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return truncated ? text + " ... [response truncated at " + limit + " bytes]" : text;
    }

    /** A body handler reading at most {@code limit} bytes of any response. */
    public static HttpResponse.BodyHandler<BoundedBody> handler(int limit) {
        return info -> new Subscriber(limit);
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<BoundedBody> {
        private final int limit;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CompletableFuture<BoundedBody> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Subscriber(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<BoundedBody> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                int room = limit - buffer.size();
                int n = Math.min(room, item.remaining());
                byte[] chunk = new byte[n];
                item.get(chunk);
                buffer.write(chunk, 0, n);
                if (item.hasRemaining()) {
                    result.complete(new BoundedBody(buffer.toByteArray(), true, limit));
                    subscription.cancel();
                    return;
                }
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(new BoundedBody(buffer.toByteArray(), false, limit));
        }
    }
}

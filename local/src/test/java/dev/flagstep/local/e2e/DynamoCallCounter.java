package dev.flagstep.local.e2e;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Counts DynamoDB HTTP calls and their bytes (request and response bodies), for {@link ScaleBench}. The SDK
 * loads it as a global interceptor only when {@code bench/scale.sh} puts {@code bench/scale-classpath} (which
 * names it in {@code software/amazon/awssdk/global/handlers/execution.interceptors}) on the classpath: no
 * test or production client ever sees it. A sync client calls on the caller's thread, so each call is also
 * booked to the thread's name: the local interpreter runs a task on {@code asl-task-<execution>}.
 */
public final class DynamoCallCounter implements ExecutionInterceptor {

    /** calls, request bytes, response bytes */
    static final LongAdder[] TOTAL = {new LongAdder(), new LongAdder(), new LongAdder()};
    static final Map<String, long[]> BY_THREAD = new ConcurrentHashMap<>();

    public DynamoCallCounter() {
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (!isDynamo(attributes)) {
            return;
        }
        long bytes = context.httpRequest().firstMatchingHeader("Content-Length").map(Long::parseLong)
                .orElseGet(() -> context.requestBody().flatMap(RequestBody::optionalContentLength).orElse(0L));
        TOTAL[0].increment();
        TOTAL[1].add(bytes);
        BY_THREAD.compute(Thread.currentThread().getName(), (k, v) -> {
            long[] c = v == null ? new long[3] : v;
            c[0]++;
            c[1] += bytes;
            return c;
        });
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        if (!isDynamo(attributes)) {
            return;
        }
        long bytes = context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L);
        TOTAL[2].add(bytes);
        BY_THREAD.compute(Thread.currentThread().getName(), (k, v) -> {
            long[] c = v == null ? new long[3] : v;
            c[2] += bytes;
            return c;
        });
    }

    private static boolean isDynamo(ExecutionAttributes attributes) {
        return "dynamodb".equalsIgnoreCase(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
    }
}

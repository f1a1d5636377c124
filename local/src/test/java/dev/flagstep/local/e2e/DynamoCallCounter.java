package dev.flagstep.local.e2e;

import dev.flagstep.aws.AwsJsonClient;
import dev.flagstep.aws.AwsService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts DynamoDB HTTP calls and their bytes (request and response bodies), for {@link ScaleBench}, which
 * hands it to {@code LocalDynamo.observe} before the runtime starts: no test or production client ever sees
 * it. Calls are made on the caller's thread, so each call is also booked to the thread's name: the local
 * interpreter runs a task on {@code asl-task-<execution>}.
 */
public final class DynamoCallCounter implements AwsJsonClient.Observer {

    /** calls, request bytes, response bytes */
    static final LongAdder[] TOTAL = {new LongAdder(), new LongAdder(), new LongAdder()};
    static final Map<String, long[]> BY_THREAD = new ConcurrentHashMap<>();

    @Override
    public void exchanged(AwsService service, String operation, long requestBytes, long responseBytes) {
        if (!service.equals(AwsService.DYNAMODB)) {
            return;
        }
        TOTAL[0].increment();
        TOTAL[1].add(requestBytes);
        TOTAL[2].add(responseBytes);
        BY_THREAD.compute(Thread.currentThread().getName(), (k, v) -> {
            long[] c = v == null ? new long[3] : v;
            c[0]++;
            c[1] += requestBytes;
            c[2] += responseBytes;
            return c;
        });
    }
}

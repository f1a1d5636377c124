package dev.flagstep.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flagstep.aws.AwsException;
import dev.flagstep.aws.AwsJsonClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Flagger's CloudWatch provider: {@code GetMetricData} over the last ten metric intervals
 * ({@code StartTime = now - 10 x interval}, {@code EndTime = now}, {@code MaxDatapoints = 20}), and
 * the value is {@code MetricDataResults[0].Values[0]} — the newest datapoint of the first result,
 * because CloudWatch returns datapoints newest first by default.
 */
public final class CloudWatchProvider implements MetricProvider {

    static final int WINDOW_INTERVALS = MetricWindow.FLAGGER_INTERVALS;
    static final int MAX_DATAPOINTS = 20;

    private final AwsJsonClient client;
    private final Clock clock;

    /** @param client a CloudWatch client ({@link dev.flagstep.aws.AwsService#CLOUDWATCH}) of the template's region */
    public CloudWatchProvider(AwsJsonClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public double query(String query, Optional<String> interval) {
        Duration window = MetricWindow.length("cloudwatch", interval, WINDOW_INTERVALS);
        List<ObjectNode> queries = CloudWatchQuery.parse(query);
        Instant end = clock.instant();
        ObjectNode request = client.object();
        request.put("StartTime", AwsJsonClient.epochSeconds(end.minus(window)));
        request.put("EndTime", AwsJsonClient.epochSeconds(end));
        request.put("MaxDatapoints", MAX_DATAPOINTS);
        request.putArray("MetricDataQueries").addAll(queries);
        JsonNode response;
        try {
            response = client.call("GetMetricData", request);
        } catch (AwsException e) {
            throw new MetricQueryException("error requesting cloudwatch: " + e.getMessage(), e);
        }
        JsonNode results = response.path("MetricDataResults");
        if (results.isEmpty()) {
            throw new NoValuesFoundException("cloudwatch returned no MetricDataResults");
        }
        JsonNode first = results.path(0);
        JsonNode values = first.path("Values");
        if (values.isEmpty()) {
            throw new NoValuesFoundException("cloudwatch returned no datapoints for " + first.path("Id").asText("null")
                    + " between " + end.minus(window) + " and " + end);
        }
        return values.path(0).asDouble();
    }

    /**
     * Flagger's check: GetMetricData with no query, which CloudWatch refuses with 400 when it is reachable and
     * the caller may call it; any other answer (403 without {@code cloudwatch:GetMetricData}) means unavailable.
     */
    @Override
    public void checkOnline() {
        ObjectNode request = client.object();
        request.put("StartTime", AwsJsonClient.epochSeconds(Instant.EPOCH));
        request.put("EndTime", AwsJsonClient.epochSeconds(Instant.EPOCH));
        request.putArray("MetricDataQueries");
        try {
            client.call("GetMetricData", request);
        } catch (AwsException e) {
            if (e.status() != 400) {
                throw new MetricQueryException("unexpected status code: " + e.getMessage(), e);
            }
        }
    }
}

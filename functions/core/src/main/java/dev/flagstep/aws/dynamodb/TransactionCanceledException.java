package dev.flagstep.aws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flagstep.aws.AwsException;
import java.util.ArrayList;
import java.util.List;

/** A transaction was cancelled; one reason per item, in request order ({@code None} for items that were fine). */
public final class TransactionCanceledException extends AwsException {

    public static final String CODE = "TransactionCanceledException";

    TransactionCanceledException(AwsException e) {
        super(e);
    }

    /** The reasons' codes ({@code None}, {@code ConditionalCheckFailed}, {@code TransactionConflict}, ...); empty if none came. */
    public List<String> reasonCodes() {
        List<String> codes = new ArrayList<>();
        for (JsonNode reason : body().path("CancellationReasons")) {
            codes.add(reason.path("Code").asText("None"));
        }
        return codes;
    }
}

package dev.flagstep.aws.dynamodb;

import dev.flagstep.aws.AwsException;
import java.util.Map;

/** A write's condition did not hold. With {@code ReturnValuesOnConditionCheckFailure=ALL_OLD}, the item as it was. */
public final class ConditionalCheckFailedException extends AwsException {

    public static final String CODE = "ConditionalCheckFailedException";

    ConditionalCheckFailedException(AwsException e) {
        super(e);
    }

    /** The item the condition was checked against (empty unless asked for, or when there was none). */
    public Map<String, AttributeValue> item() {
        return AttributeValues.item(body().path("Item"));
    }
}

package dev.flagstep.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Skips a store test when this JVM's DynamoDB is moto ({@link DynamoLocal#MOTO}) because moto, unlike AWS,
 * gets that behaviour wrong; the reason says how (docs/deploy.md lists each). Never for a behaviour AWS has.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DisabledOnMoto.Condition.class)
public @interface DisabledOnMoto {

    /**
     * moto's server answers requests on several threads and its DynamoDB checks a condition and then writes
     * without a lock, so two concurrent conditional writes (or transactions) can both succeed; on AWS exactly
     * one does. Sequential conditional writes, which moto gets right, are tested on moto as well.
     */
    String CONCURRENT_CONDITIONS = "concurrent conditional writes are not atomic on moto's DynamoDB"
            + " (it checks, then writes, without a lock): both racers can win, where AWS lets exactly one";

    /** How moto differs from AWS here. */
    String value();

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getElement()
                    .flatMap(element -> AnnotationSupport.findAnnotation(element, DisabledOnMoto.class))
                    .filter(annotation -> DynamoLocal.backend().equals(DynamoLocal.MOTO))
                    .map(annotation -> ConditionEvaluationResult.disabled("moto differs from AWS: " + annotation.value()))
                    .orElse(ConditionEvaluationResult.enabled("not on moto, or moto gets this right"));
        }
    }
}

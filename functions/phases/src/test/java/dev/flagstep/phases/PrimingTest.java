package dev.flagstep.phases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.flagstep.spec.SpecParser;
import dev.flagstep.spec.SpecResult;
import org.junit.jupiter.api.Test;

class PrimingTest {

    @Test
    void theSampleUsedForPrimingIsAValidCanarySoThePrimingExercisesTheRealPath() {
        assertThat(new SpecParser().parse(Priming.SAMPLE)).isInstanceOf(SpecResult.Valid.class);
    }

    @Test
    void primingWithoutTheLambdaEnvironmentWarnsInsteadOfFailingTheSnapshot() {
        assertThatCode(Priming::prime).doesNotThrowAnyException();
    }
}

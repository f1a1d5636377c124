package dev.flagstep.gate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoadtesterAnswerTest {

    @Test
    void theLoadtestersAnswersAndHowFlaggerReadsThem() {
        assertAnswer(LoadtesterAnswer.APPROVED, 200, "Approved", true);
        assertAnswer(LoadtesterAnswer.OK, 200, "OK", true);
        assertAnswer(LoadtesterAnswer.ACCEPTED, 202, "", true);
        assertAnswer(LoadtesterAnswer.FORBIDDEN, 403, "Forbidden", false);
        assertAnswer(LoadtesterAnswer.BAD_REQUEST, 400, "", false);
        assertThat(LoadtesterAnswer.values()).hasSize(5);
    }

    private static void assertAnswer(LoadtesterAnswer answer, int status, String body, boolean passes) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.body()).isEqualTo(body);
        assertThat(answer.passes()).as("%s passes", answer).isEqualTo(passes);
    }
}

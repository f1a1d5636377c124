package dev.flagstep.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flagstep.testing.DefaultLocale;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void rendersTheWeightBarWithAsciiDigitsWhateverTheLocale() {
        ProgressLine line = new ProgressLine("podinfo.test", "Progressing", 40, 0, 2, "Advance podinfo.test canary weight 40");
        String expected = "podinfo.test           Progressing      [########............]  40%  failed 0/2  "
                + "Advance podinfo.test canary weight 40";

        assertThat(line.render()).isEqualTo(expected);
        assertThat(DefaultLocale.under(DefaultLocale.ARABIC_DIGITS, line::render)).isEqualTo(expected);
    }
}

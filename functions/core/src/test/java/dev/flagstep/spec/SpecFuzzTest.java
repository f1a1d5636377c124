package dev.flagstep.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Validation never throws: thousands of mutated documents (seeded, so a failure replays) must each
 * give Valid, or Invalid with at least one error with a message. The parser's own catch-all would
 * hide a crash as "could not read the document", so that message counts as a failure here too.
 */
class SpecFuzzTest {

    static final long SEED = 20261101L;
    static final int DOCUMENTS = 5_000;

    final SpecParser parser = new SpecParser();
    final Random random = new Random(SEED);

    static final String[] SCALARS = {
            "0", "-1", "150", "1.5", "-0.0", "1e999", "-1e999", ".nan", ".inf", "99999999999999999999999999999",
            "0x7fffffff", "0o777", "0b101", "1_000", "true", "yes", "off", "~", "null", "''", "\"\"", "[]", "{}",
            "[1, [2, [3]]]", "{a: {b: {c: d}}}", "\"\\u0000\"", "\"\\ud800\"", "'''", "*nope", "&a x", "!!binary aGk=",
            "!custom x", "!!str 10", "!!int x", "2001-12-14", "1:30", "<<", "{", "[", "\"", "'", "|", ">-", "- x",
            "http://h.test/", "ftp://x", "pre-rolout", "1m30s", "10", "5x", "µs", "日本語", "\t", "a: b: c", "? x",
            "%YAML 1.1", "---", "...", "#", "@", "`"};

    @Test
    void mutatedDocumentsNeverThrow() {
        String yaml = SpecParserTest.podinfoYaml();
        List<String> seeds = List.of(yaml, json(yaml), SpecParserTest.specOnly(yaml), SpecParserTest.specOnly(yaml) + SpecParserTest.templates(yaml));
        List<Function<String, String>> mutations = List.of(
                this::truncate, this::deleteLine, this::duplicateLine, this::swapLines, this::replaceScalar,
                this::insertBytes, this::deepNesting, this::reindent, this::replaceChar, this::aliasBomb, this::hugeNumber);
        int valid = 0;
        for (int i = 0; i < DOCUMENTS; i++) {
            String text = seeds.get(random.nextInt(seeds.size()));
            int count = 1 + random.nextInt(4);
            for (int m = 0; m < count; m++) {
                text = mutations.get(random.nextInt(mutations.size())).apply(text);
            }
            // Both entry points, alternately (the machine is shared; 5,000 parses are enough).
            valid += check(text, i % 2 == 0 ? parser.parse(text) : parser.parse(text, SpecParserTest.PODINFO));
        }
        // Not a tautology: some mutations (a duplicated comment, a swapped list item) keep documents valid.
        assertThat(valid).isPositive().isLessThan(DOCUMENTS);
    }

    @Test
    void randomBytesNeverThrow() {
        for (int i = 0; i < 500; i++) {
            byte[] bytes = new byte[random.nextInt(400)];
            random.nextBytes(bytes);
            String text = new String(bytes, i % 2 == 0 ? java.nio.charset.StandardCharsets.UTF_8 : java.nio.charset.StandardCharsets.ISO_8859_1);
            check(text, parser.parse(text, SpecParserTest.PODINFO));
        }
    }

    private static int check(String text, SpecResult result) {
        switch (result) {
            case SpecResult.Valid v -> {
                assertThat(v.document().source()).isEqualTo(text);
                return 1;
            }
            case SpecResult.Invalid invalid -> {
                assertThat(invalid.errors()).as("errors for:\n%s", text).isNotEmpty().allSatisfy(error -> {
                    assertThat(error.message()).isNotBlank()
                            .doesNotStartWith("could not read the document")
                            .doesNotStartWith("could not validate the document");
                    assertThat(error.path()).isNotNull();
                });
                return 0;
            }
        }
    }

    private static String json(String yaml) {
        try {
            return new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(yaml.substring(0, yaml.indexOf("\n---\n") + 1)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> lines(String text) {
        return new ArrayList<>(Arrays.asList(text.split("\n", -1)));
    }

    private String truncate(String text) {
        return text.substring(0, random.nextInt(text.length() + 1));
    }

    private String deleteLine(String text) {
        List<String> lines = lines(text);
        lines.remove(random.nextInt(lines.size()));
        return String.join("\n", lines);
    }

    private String duplicateLine(String text) {
        List<String> lines = lines(text);
        int i = random.nextInt(lines.size());
        lines.add(i, lines.get(i));
        return String.join("\n", lines);
    }

    private String swapLines(String text) {
        List<String> lines = lines(text);
        Collections.swap(lines, random.nextInt(lines.size()), random.nextInt(lines.size()));
        return String.join("\n", lines);
    }

    /** The value after a "key:" (YAML) or "key":" (JSON) becomes a value of another type. */
    private String replaceScalar(String text) {
        int colon = text.indexOf(": ", random.nextInt(Math.max(1, text.length())));
        if (colon < 0) {
            return text;
        }
        int end = colon + 2;
        while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != ',' && text.charAt(end) != '}') {
            end++;
        }
        return text.substring(0, colon + 2) + SCALARS[random.nextInt(SCALARS.length)] + text.substring(end);
    }

    private String insertBytes(String text) {
        StringBuilder noise = new StringBuilder();
        for (int i = random.nextInt(8); i >= 0; i--) {
            noise.append((char) random.nextInt(random.nextBoolean() ? 128 : 0xFFFF));
        }
        int at = random.nextInt(text.length() + 1);
        return text.substring(0, at) + noise + text.substring(at);
    }

    private String deepNesting(String text) {
        int depth = 1 + random.nextInt(200);
        String nested = random.nextBoolean()
                ? "[".repeat(depth) + "]".repeat(random.nextInt(depth + 1))
                : "{a: ".repeat(depth) + "1" + "}".repeat(depth);
        int at = random.nextInt(text.length() + 1);
        return text.substring(0, at) + nested + text.substring(at);
    }

    private String reindent(String text) {
        List<String> lines = lines(text);
        int i = random.nextInt(lines.size());
        lines.set(i, " ".repeat(random.nextInt(9)) + lines.get(i).stripLeading());
        return String.join("\n", lines);
    }

    private String replaceChar(String text) {
        if (text.isEmpty()) {
            return text;
        }
        int at = random.nextInt(text.length());
        String specials = "{}[]:,-'\"&*!|>#%@` \t\n";
        char c = specials.charAt(random.nextInt(specials.length()));
        return text.substring(0, at) + c + text.substring(at + 1);
    }

    private String aliasBomb(String text) {
        StringBuilder bomb = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 1 + random.nextInt(9); i++) {
            bomb.append("l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", Collections.nCopies(9, "*l" + (i - 1)))).append("]\n");
        }
        return random.nextBoolean() ? bomb + text : text + "\n" + bomb;
    }

    private String hugeNumber(String text) {
        String number = "9".repeat(1 + random.nextInt(2000));
        return text.replaceFirst("(stepWeight|port|threshold|retries|maxWeight): [^\\n,}]+", "$1: " + number);
    }
}

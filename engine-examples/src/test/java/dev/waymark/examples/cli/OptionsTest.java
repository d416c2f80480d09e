package dev.waymark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Option parsing: every mistake is bad usage (exit 2) naming the argument. */
class OptionsTest {

    static Options parse(String... args) {
        return Options.parse("run", List.of(args), RunCommand.OPTIONS);
    }

    static void assertUsage(String message, String... args) {
        assertThatThrownBy(() -> parse(args)).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.status()).isEqualTo(ExitStatus.USAGE);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void valuesFlagsAndRepeatedOptions_areParsed() {
        Options o = parse("--events", "-", "--now=2026-11-20T10:00:00Z", "--rules", "a.drl", "b.drl", "--lenient",
                "--rules", "c.drl");
        assertThat(o.value("--events")).isEqualTo("-");
        assertThat(o.required("--now")).isEqualTo("2026-11-20T10:00:00Z");
        assertThat(o.values("--rules")).containsExactly("a.drl", "b.drl", "c.drl");
        assertThat(o.has("--lenient")).isTrue();
        assertThat(o.has("--state")).isFalse();
        assertThat(o.value("--state")).isNull();
        assertThat(o.values("--templates")).isEmpty();
    }

    @Test
    void unknownOption_isNamed() {
        assertUsage("unknown option --colour", "--colour", "red");
    }

    @Test
    void missingValue_isNamed() {
        assertUsage("--now needs a value", "--events", "x", "--now");
        assertUsage("--now needs a value", "--now", "--events", "x");
        assertUsage("--rules needs at least one value", "--rules", "--lenient");
    }

    @Test
    void singleValuedOptionTwice_isRejected() {
        assertUsage("--now is given twice", "--now", "a", "--now", "b");
    }

    @Test
    void strayArgumentsAndFlagValues_areRejected() {
        assertUsage("unexpected argument 'events.jsonl'", "events.jsonl");
        assertUsage("--lenient takes no value", "--lenient=yes");
        assertUsage("--events has an empty value", "--events=");
    }

    @Test
    void missingRequiredOption_isNamed() {
        Options o = parse("--events", "x");
        assertThatThrownBy(() -> o.required("--now")).isInstanceOf(CliException.class).hasMessageContaining("--now is required");
    }
}

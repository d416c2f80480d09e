package dev.waymark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code check} prints for a rule file with a mistake in its {@code then} part: one short line at its line. */
class CheckDiagnosticsTest {

    @TempDir
    Path dir;

    @Test
    void check_onAThenPartError_exitsFourWithOneShortLineAtTheFileAndLineOfTheMistake() throws IOException {
        Path bad = dir.resolve("bad.drl");
        Files.writeString(bad, """
                package shop.rules;
                import dev.waymark.Contact;
                import java.util.Map;
                global dev.waymark.drools.RuleContext waymark;

                rule "vip-tag" @dueTimes
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                    int orders = $c.orderCont();
                    waymark.emit($c, "tag.add", "once", Map.of("tag", "vip"));
                end
                """);
        JourneyCommandsTest.Outcome o = JourneyCommandsTest.cli("check", "--rules", bad.toString());

        assertThat(o.exit()).as(o.toString()).isEqualTo(4);
        assertThat(o.stdout()).isEmpty();
        assertThat(o.stderr().lines()).containsExactly(
                "waymark: rules do not compile (1 problem):",
                "waymark:   " + bad + ":10: The method orderCont() is undefined for the type Contact");
    }
}

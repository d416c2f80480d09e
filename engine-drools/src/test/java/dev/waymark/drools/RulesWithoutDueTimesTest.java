package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.JourneyEngine;
import dev.waymark.json.WaymarkJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine names the rules that make every contact due at every evaluation, with the source of each. */
class RulesWithoutDueTimesTest {

    static final String UNDECLARED = EngineTest.HEADER + """
            rule "noon-ping"
            when
                $c : Contact( waymark.now().toString().endsWith("T12:00:00Z") )
            then
                waymark.emit($c, "task.create", waymark.now().toString(), Map.of("kind", "ping"));
            end
            """;

    @Test
    void standardRulesAndRulesWithDueTimes_leaveItEmpty() {
        assertThat(EngineTest.STANDARD.rulesWithoutDueTimes()).isEmpty();
        assertThat(Waymark.builder().rules("vip.drl", EngineTest.VIP_TAG).build().rulesWithoutDueTimes()).isEmpty();
    }

    @Test
    void aRuleWithoutDueTimes_isNamedWithTheFileItCameFrom(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ping.drl"), UNDECLARED);
        JourneyEngine engine = Waymark.builder().rules(file).rules("vip.drl", EngineTest.VIP_TAG).build();
        assertThat(engine.rulesWithoutDueTimes()).containsExactly(Map.entry("noon-ping", file.toString()));
    }

    @Test
    void aSwitchedOffRuleWithoutDueTimes_isNotNamed() {
        JourneyEngine engine = Waymark.builder().rules("ping.drl", UNDECLARED)
                .settings(WaymarkJson.readSettings("{\"rules\":{\"noon-ping\":{\"enabled\":false}}}")).build();
        assertThat(engine.rulesWithoutDueTimes()).isEmpty();
    }
}

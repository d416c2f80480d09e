package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.internal.StandardRules;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code waymark.due(contact, from, delay)} is {@code now >= from + delay} to the nanosecond, also when the
 * nanoseconds of {@code from} and {@code delay} carry into a second, and declares {@code from + delay} when not
 * yet due.
 */
class DueArithmeticTest {

    /** {@code from} ends in .6 s and the delay is 1.5 s: the sum's nanoseconds carry into the next second. */
    static final String HALF_SECONDS = EngineTest.HEADER + """
            rule "ping-after" @dueTimes
            when
                $c : Contact( waymark.due(this, lastAt("page.viewed"), Duration.ofMillis(1500)) )
            then
                waymark.emit($c, "task.create", "ping", Map.of("kind", "ping"));
            end
            """;

    static final Instant VIEWED = Instant.parse("2026-03-01T10:00:00.600Z");
    static final Instant DUE = Instant.parse("2026-03-01T10:00:02.100Z");

    private final JourneyEngine engine = Waymark.builder().settings(onlyCustomRules()).rules("ping.drl", HALF_SECONDS).build();

    /** Standard rules off: their own actions would make the contact due again at once. */
    private static Settings onlyCustomRules() {
        Settings.Builder b = Settings.builder();
        StandardRules.ids().forEach(b::disable);
        return b.build();
    }

    private Evaluation evaluateAt(Instant now) {
        ContactState s = ContactState.empty("c-1").withEvents(List.of(new Event("e-1", "c-1", "page.viewed", VIEWED)));
        return engine.evaluate(s, now);
    }

    @Test
    void atFromPlusDelay_isDue() {
        assertThat(evaluateAt(DUE).actions()).extracting(a -> a.key()).containsExactly("ping");
    }

    @Test
    void aNanosecondBefore_isNotDue_andWakesAtFromPlusDelay() {
        Evaluation e = evaluateAt(DUE.minusNanos(1));
        assertThat(e.actions()).isEmpty();
        assertThat(e.nextWakeUp()).contains(DUE);
    }
}

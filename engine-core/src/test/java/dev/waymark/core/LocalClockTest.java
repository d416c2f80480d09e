package dev.waymark.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Settings.Policies;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Local times across daylight-saving changes: where quiet hours end (docs/settings-and-policies.md) and, later, journey waits. */
class LocalClockTest {

    @Test
    void quietHours_springForwardNight_wakesAtFirstInstantAfterTheGap() {
        // Europe/Paris springs forward on 2026-03-29 at 02:00 local → 03:00; quiet hours end at 02:30
        Policies.QuietHours q = new Policies.QuietHours(LocalTime.of(22, 0), LocalTime.of(2, 30), ZoneId.of("Europe/Paris"));
        Instant night = Instant.parse("2026-03-28T23:00:00Z"); // 00:00 local, quiet
        assertThat(q.contains(night.atZone(q.defaultZone()).toLocalTime())).isTrue();
        assertThat(LocalClock.next(night, q.defaultZone(), q.end())).isEqualTo(Instant.parse("2026-03-29T01:00:00Z")); // 03:00 CEST
    }

    @Test
    void quietHours_fallBackNight_endsAtTheFirstOccurrence() {
        // Europe/Paris falls back on 2026-10-25 at 03:00 CEST → 02:00 CET; 02:30 happens twice
        Instant night = Instant.parse("2026-10-24T23:00:00Z"); // 01:00 CEST
        assertThat(LocalClock.next(night, ZoneId.of("Europe/Paris"), LocalTime.of(2, 30)))
                .isEqualTo(Instant.parse("2026-10-25T00:30:00Z")); // 02:30 CEST
        assertThat(LocalClock.next(Instant.parse("2026-10-25T00:30:00Z"), ZoneId.of("Europe/Paris"), LocalTime.of(2, 30)))
                .isEqualTo(Instant.parse("2026-10-25T01:30:00Z")); // 02:30 CET, the second one
    }
}

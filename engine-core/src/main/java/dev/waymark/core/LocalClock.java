package dev.waymark.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Local wall-clock times in a contact's zone, across daylight-saving gaps and overlaps. Stateless. */
final class LocalClock {
    private LocalClock() {
    }

    /**
     * The first instant after {@code now} at which the local time in {@code zone} is {@code time}. On a day
     * when {@code time} falls in a DST gap, the first instant after the gap; in an overlap, the first of the
     * two instants that is after {@code now}.
     */
    static Instant next(Instant now, ZoneId zone, LocalTime time) {
        ZoneRules rules = zone.getRules();
        LocalDate day = now.atZone(zone).toLocalDate();
        for (int i = 0; i < 3; i++) {
            for (Instant c : instants(rules, LocalDateTime.of(day.plusDays(i), time))) {
                if (c.isAfter(now)) {
                    return c;
                }
            }
        }
        throw new IllegalStateException("no local " + time + " in " + zone + " within two days of " + now);
    }

    /**
     * The first instant at or after {@code from} whose local time in {@code zone} is {@code time} on one of
     * {@code days} (the day of that local date). On a day when {@code time} falls in a DST gap, the first
     * instant after the gap (the transition); in an overlap, the earlier of the two instants not before
     * {@code from}.
     */
    static Instant atOrAfter(Instant from, ZoneId zone, LocalTime time, java.util.Set<java.time.DayOfWeek> days) {
        ZoneRules rules = zone.getRules();
        LocalDate day = from.atZone(zone).toLocalDate().minusDays(1);
        for (int i = 0; i < 10; i++) {
            LocalDate d = day.plusDays(i);
            if (!days.contains(d.getDayOfWeek())) {
                continue;
            }
            for (Instant c : instants(rules, LocalDateTime.of(d, time))) {
                if (!c.isBefore(from)) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("no allowed day among " + days + " within ten days of " + from);
    }

    /**
     * The instants at which the local time is {@code local}, earliest first: one, two in an overlap, and in a
     * gap the first instant after it (the transition).
     */
    private static List<Instant> instants(ZoneRules rules, LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        List<Instant> candidates = new ArrayList<>();
        if (offsets.isEmpty()) {
            candidates.add(rules.getTransition(local).getInstant());
        } else {
            offsets.forEach(o -> candidates.add(local.toInstant(o)));
            candidates.sort(Comparator.naturalOrder());
        }
        return candidates;
    }
}

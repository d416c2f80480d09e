package dev.waymark.core;

import dev.waymark.Contact;
import dev.waymark.Explanation.Finding;
import dev.waymark.Explanation.JourneyVerdict;
import dev.waymark.Settings;
import dev.waymark.core.JourneyDefinition.If;
import dev.waymark.core.JourneyDefinition.Reentry;
import dev.waymark.core.JourneyDefinition.Send;
import dev.waymark.core.JourneyDefinition.Split;
import dev.waymark.core.JourneyDefinition.Step;
import dev.waymark.core.JourneyDefinition.Wait;
import dev.waymark.core.JourneyDefinition.WaitFor;
import dev.waymark.core.JourneyDefinition.WaitUntil;
import dev.waymark.internal.JourneyRuns;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Explains where a contact stands in each journey, from the standing an evaluation left (so it agrees with
 * the run) and the findings the evaluation's steps reported for the journey's sends. Stateless.
 */
final class JourneyExplainer {
    private JourneyExplainer() {
    }

    /**
     * @param contact  the contact after the evaluation (its journey standing included)
     * @param findings what the evaluation's steps said about each journey's sends, by journey id
     */
    static List<JourneyVerdict> explain(List<JourneyDefinition> journeys, Settings settings, Contact contact,
                                        Map<String, List<Finding>> findings, Instant now) {
        List<JourneyVerdict> out = new ArrayList<>();
        List<JourneyDefinition> sorted = new ArrayList<>(journeys);
        sorted.sort(java.util.Comparator.comparing(JourneyDefinition::id));
        for (JourneyDefinition j : sorted) {
            List<Finding> f = findings.getOrDefault(j.id(), List.of());
            JourneyRuns.Journey standing = contact.journeys().of(j.id());
            if (!settings.enabled(j.id())) {
                out.add(new JourneyVerdict(j.id(), false, null, null, null, null, List.of(), f,
                        "switched off in settings" + (standing != null && standing.active() != null
                                ? " (a run stands still at step " + standing.active().step() + ")" : "")));
                continue;
            }
            if (standing == null) {
                out.add(new JourneyVerdict(j.id(), false, null, null, null, null, List.of(), f,
                        "not in it: never entered (entry: " + entry(j) + ")"));
                continue;
            }
            JourneyRuns.Active a = standing.active();
            if (a != null) {
                Step step = j.step(a.step());
                Instant until = until(j, step, a, contact, now);
                String waits = waits(j, step, a, contact);
                List<String> path = a.path().stream().map(v -> v.step() + "@" + v.at()).toList();
                String detail = "in it since " + a.entryAt() + ": at step " + a.step() + " since " + a.stepTime()
                        + ", waiting for " + waits + (until == null ? "" : " until " + until)
                        + "; path " + a.path().stream().map(JourneyRuns.Visit::step).collect(Collectors.joining(" > "));
                out.add(new JourneyVerdict(j.id(), true, a.step(), a.stepTime(), waits, until, path, f, detail));
                continue;
            }
            out.add(new JourneyVerdict(j.id(), false, null, null, null, null, List.of(), f, notIn(j, standing, now)));
        }
        return out;
    }

    private static String notIn(JourneyDefinition j, JourneyRuns.Journey s, Instant now) {
        String history = "not in it: " + runs(s.entries()) + " (" + s.completed() + " completed, " + s.exited()
                + " exited), the latest entered " + s.lastEntry() + " and ended " + s.lastEnd();
        if (j.reentry == Reentry.NEVER) {
            return history + "; re-entry is never allowed";
        }
        Instant allowed = s.lastEnd();
        if (j.reentry == Reentry.AFTER_HOURS && s.lastEntry() != null) {
            Instant after = s.lastEntry().plus(j.reentryAfter);
            if (allowed == null || after.isAfter(allowed)) {
                allowed = after;
            }
        }
        if (allowed != null && allowed.isAfter(now)) {
            return history + "; re-entry not allowed until " + allowed + " (reentry " + reentry(j) + ")";
        }
        return history + "; may enter again (" + entry(j) + ")";
    }

    private static String runs(long n) {
        return n == 1 ? "1 run" : n + " runs";
    }

    private static String entry(JourneyDefinition j) {
        return j.entryEvent != null ? "event " + j.entryEvent + (j.entryWhere == null ? "" : " where " + j.entryWhere.text())
                : "when " + j.entryWhen.text();
    }

    private static String reentry(JourneyDefinition j) {
        return switch (j.reentry) {
            case NEVER -> "never";
            case ALWAYS -> "always";
            case AFTER_HOURS -> "after " + hours(j.reentryAfter) + " hours";
        };
    }

    private static Instant until(JourneyDefinition j, Step step, JourneyRuns.Active a, Contact contact, Instant now) {
        if (step instanceof Wait w) {
            return a.stepTime().plus(w.duration());
        }
        if (step instanceof WaitUntil w) {
            return LocalClock.atOrAfter(a.stepTime(), contact.zone(j.defaultZone), w.time(), w.days());
        }
        if (step instanceof WaitFor w) {
            return a.stepTime().plus(w.window());
        }
        return null;
    }

    private static String waits(JourneyDefinition j, Step step, JourneyRuns.Active a, Contact contact) {
        if (step instanceof Wait w) {
            return "the end of a " + hours(w.duration()) + "-hour wait";
        }
        if (step instanceof WaitUntil w) {
            return w.time() + " local time in " + contact.zone(j.defaultZone)
                    + (w.days().size() == 7 ? "" : " on " + w.days().stream().map(d -> d.name().substring(0, 3).toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")));
        }
        if (step instanceof WaitFor w) {
            return "event " + w.event() + (w.where() == null ? "" : " where " + w.where().text())
                    + " (then " + w.next() + "; on timeout " + w.timeout() + ")";
        }
        if (step instanceof Send s) {
            return "its " + s.type() + " (key " + a.entryAt() + "/" + s.id() + ") to go out: a delivery policy withholds it";
        }
        if (step instanceof If || step instanceof Split) {
            return "its next evaluation";
        }
        return "nothing";
    }

    private static String hours(Duration d) {
        long ms = d.toMillis();
        return ms % 3_600_000 == 0 ? Long.toString(ms / 3_600_000) : String.format(Locale.ROOT, "%.2f", ms / 3_600_000.0);
    }
}

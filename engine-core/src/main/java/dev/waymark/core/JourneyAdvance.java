package dev.waymark.core;

import dev.waymark.Contact;
import dev.waymark.Event;
import dev.waymark.core.JourneyDefinition.If;
import dev.waymark.core.JourneyDefinition.Reentry;
import dev.waymark.core.JourneyDefinition.Send;
import dev.waymark.core.JourneyDefinition.Split;
import dev.waymark.core.JourneyDefinition.Step;
import dev.waymark.core.JourneyDefinition.Wait;
import dev.waymark.core.JourneyDefinition.WaitFor;
import dev.waymark.core.JourneyDefinition.WaitUntil;
import dev.waymark.internal.ExperimentBuckets;
import dev.waymark.internal.JourneyRuns;
import dev.waymark.internal.JourneyRuns.Visit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Moves one contact through one journey at {@code now}: the pipeline's journeys step for one journey. The
 * events applied in this evaluation are taken in order of {@code at}; before each, the run passes every step
 * it leaves strictly before that instant; then the event may end the run (exit), leave a {@code waitFor},
 * or start a run (entry). At one instant, events come before the steps left at that instant. After the
 * last event the run passes every step left at or before {@code now}, and stops at the first one left
 * after it. Conditions see the contact at {@code now}.
 *
 * <p>Sends are collected with a sequence number. The first pass is optimistic; when delivery withholds a
 * send, the evaluator runs the journey again with that send as the barrier: the run stops there, held, and
 * only an exit event can still end it. Not thread-safe: one instance per contact and journey and pass.
 */
final class JourneyAdvance {

    /** A send of the journey with its place in this evaluation's sequence of the journey's sends. */
    record Sent(int seq, Emissions.Emission emission) {
    }

    /**
     * What the journey did for the contact.
     *
     * @param state  where the contact stands now ({@code null} when it never entered)
     * @param sends  every send passed, in order
     * @param wakeUp when the run (or an entry by condition) can move next with no new event; {@code null} for none
     */
    record Result(JourneyRuns.Journey state, List<Sent> sends, Instant wakeUp) {
    }

    private final JourneyDefinition j;
    private final Contact contact;
    private final Instant now;
    private final int barrier;
    private final List<Sent> sends = new ArrayList<>();

    private long entries;
    private long completed;
    private long exited;
    private Instant lastEntry;
    private Instant lastEnd;
    private final TreeSet<String> reached = new TreeSet<>();
    // the active run; step == null when none
    private Instant entryAt;
    private Step step;
    private Instant stepTime;
    private boolean held;
    private boolean blocked;
    private List<Visit> path = new ArrayList<>();

    private JourneyAdvance(JourneyDefinition j, Contact contact, JourneyRuns.Journey prior, Instant now, int barrier) {
        this.j = j;
        this.contact = contact;
        this.now = now;
        this.barrier = barrier;
        if (prior != null) {
            entries = prior.entries();
            completed = prior.completed();
            exited = prior.exited();
            lastEntry = prior.lastEntry();
            lastEnd = prior.lastEnd();
            reached.addAll(prior.reached());
            JourneyRuns.Active a = prior.active();
            if (a != null) {
                entryAt = a.entryAt();
                step = j.step(a.step());
                stepTime = a.stepTime();
                held = a.held();
                path = new ArrayList<>(a.path());
                if (step == null) {
                    // The journey file changed and its step is gone: the run ends where it stood.
                    end(max(now, stepTime), false);
                }
            }
        }
    }

    /**
     * Advances the journey for one contact.
     *
     * @param due     the events applied in this evaluation, by {@code at} (ties in arrival order)
     * @param barrier the sequence number of the send at which the run stops, held; -1 for none
     * @throws JourneyCondition.Failure when a condition fails for this contact
     */
    static Result advance(JourneyDefinition j, Contact contact, JourneyRuns.Journey prior, List<Event> due, Instant now, int barrier) {
        JourneyAdvance a = new JourneyAdvance(j, contact, prior, now, barrier);
        a.run(due);
        return new Result(a.state(), List.copyOf(a.sends), a.wakeUp());
    }

    private void run(List<Event> due) {
        if (active() && j.exitWhen != null && j.exitWhen.test(contact, null)) {
            end(max(now, stepTime), false);
        }
        for (Event e : due) {
            move(e.at(), false);
            onEvent(e);
        }
        move(now, true);
        if (!active() && j.entryWhen != null && counts(now) && j.entryWhen.test(contact, null)) {
            enter(now);
            move(now, true);
        }
    }

    private void onEvent(Event e) {
        Instant at = e.at();
        if (active() && e.type().equals(j.exitEvent) && entryAt.isBefore(at)) {
            // A late exit event ends the run where it stands: no earlier than the step it reached.
            end(max(at, stepTime), false);
        } else if (active() && step instanceof WaitFor w && !blocked && e.type().equals(w.event()) && stepTime.isBefore(at)
                && !at.isAfter(stepTime.plus(w.window())) && (w.where() == null || w.where().test(contact, e))) {
            go(w.next(), at);
        }
        if (!active() && j.entryEvent != null && e.type().equals(j.entryEvent) && counts(at)
                && (j.entryWhere == null || j.entryWhere.test(contact, e))) {
            enter(at);
        }
    }

    /** Whether an entry at {@code t} counts: no run active, after the previous end, re-entry allowed. */
    private boolean counts(Instant t) {
        if (active() || (lastEnd != null && !t.isAfter(lastEnd))) {
            return false;
        }
        return switch (j.reentry) {
            case NEVER -> entries == 0;
            case ALWAYS -> true;
            case AFTER_HOURS -> lastEntry == null || !t.isBefore(lastEntry.plus(j.reentryAfter));
        };
    }

    private void enter(Instant at) {
        entries++;
        lastEntry = at;
        entryAt = at;
        path = new ArrayList<>();
        arrive(j.first(), at);
    }

    /** Passes every step left before {@code limit} (at or before it when {@code inclusive}). */
    private void move(Instant limit, boolean inclusive) {
        while (active() && !blocked) {
            Instant leave = leaveTime();
            if (leave == null || leave.isAfter(limit) || (!inclusive && !leave.isBefore(limit))) {
                return;
            }
            pass(leave);
        }
    }

    /** When the current step is left by time alone (a {@code waitFor}: its timeout); {@code null} for never. */
    private Instant leaveTime() {
        if (step instanceof Wait w) {
            return stepTime.plus(w.duration());
        }
        if (step instanceof WaitUntil w) {
            return LocalClock.atOrAfter(stepTime, contact.zone(j.defaultZone), w.time(), w.days());
        }
        if (step instanceof WaitFor w) {
            return stepTime.plus(w.window());
        }
        if (step instanceof Send && held) {
            return max(now, stepTime);
        }
        return stepTime; // if, split and send take no time
    }

    private void pass(Instant leave) {
        if (step instanceof Wait w) {
            go(w.next(), leave);
        } else if (step instanceof WaitUntil w) {
            go(w.next(), leave);
        } else if (step instanceof WaitFor w) {
            go(w.timeout(), leave);
        } else if (step instanceof If f) {
            go(f.condition().test(contact, null) ? f.then() : f.otherwise(), leave);
        } else if (step instanceof Split s) {
            go(arm(s), leave);
        } else if (step instanceof Send s) {
            boolean stale = j.stale != null && stepTime.plus(j.stale).isBefore(now);
            if (!stale) {
                int seq = sends.size();
                sends.add(new Sent(seq, new Emissions.Emission(j.id(), s.type(), entryAt + "/" + s.id(), s.params())));
                if (seq == barrier) {
                    held = true;
                    blocked = true;
                    return;
                }
            }
            // A send withheld before goes out at this evaluation: what follows starts now.
            go(s.next(), leave);
        }
    }

    private String arm(Split s) {
        int bucket = ExperimentBuckets.bucket(contact.id() + "\n" + j.id() + "\n" + s.id());
        String name = s.buckets().armOf(bucket);
        for (JourneyDefinition.Arm a : s.arms()) {
            if (a.name().equals(name)) {
                return a.next();
            }
        }
        throw new IllegalStateException("no arm " + name + " in split " + s.id());
    }

    private void go(String next, Instant at) {
        if (next.equals(JourneyDefinition.END)) {
            end(at, true);
        } else {
            arrive(j.step(next), at);
        }
    }

    private void arrive(Step s, Instant at) {
        step = s;
        stepTime = at;
        held = false;
        path.add(new Visit(s.id(), at));
        if (path.size() > JourneyRuns.MAX_STEPS) {
            path.remove(0);
        }
        if (reached.size() < JourneyRuns.MAX_STEPS) {
            reached.add(s.id());
        }
    }

    private void end(Instant at, boolean complete) {
        if (complete) {
            completed++;
        } else {
            exited++;
        }
        lastEnd = at;
        step = null;
        entryAt = null;
        stepTime = null;
        held = false;
        blocked = false;
        path = new ArrayList<>();
    }

    private boolean active() {
        return step != null;
    }

    private JourneyRuns.Journey state() {
        if (entries == 0 && completed == 0 && exited == 0) {
            return null;
        }
        JourneyRuns.Active a = active() ? new JourneyRuns.Active(entryAt, step.id(), stepTime, held, path) : null;
        return new JourneyRuns.Journey(j.id(), entries, completed, exited, lastEntry, lastEnd, List.copyOf(reached), a);
    }

    private Instant wakeUp() {
        if (active()) {
            // A held send goes out when its policy lets it: delivery says when.
            return blocked || held ? null : leaveTime();
        }
        if (j.entryWhen == null || j.reentry == Reentry.NEVER && entries > 0) {
            return null;
        }
        // An entry by condition that only time stands in the way of: wake when re-entry is allowed.
        Instant allowed = lastEnd == null ? null : lastEnd.plusNanos(1);
        if (j.reentry == Reentry.AFTER_HOURS && lastEntry != null) {
            allowed = max(allowed, lastEntry.plus(j.reentryAfter));
        }
        if (allowed == null || !allowed.isAfter(now) || !j.entryWhen.test(contact, null)) {
            return null;
        }
        return allowed;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isAfter(b) ? a : b);
    }
}

package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.ChannelConsent;
import dev.waymark.Contact.Consent;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Explanation;
import dev.waymark.Explanation.Finding;
import dev.waymark.Explanation.Outcome;
import dev.waymark.Explanation.RuleVerdict;
import dev.waymark.Settings.Policies;
import dev.waymark.Evaluation.RuleFailure;
import dev.waymark.Settings;
import dev.waymark.internal.StandardRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Explains one contact at one instant. The verdicts that matter — what goes out, what a policy withholds,
 * what the ledger or missing consent drops — come from the very steps an evaluation takes, watched through
 * a {@link Trace} ({@link Evaluator#afterFiring}), so an explanation cannot disagree with a run. For a rule that emits nothing it then
 * asks the rules "what if": with consent granted, at each later instant a rule declared due, and just
 * before each window end a rule found closed. Nothing is stored; one use, one thread.
 */
final class Explainer {

    /** Probes per kind at most: a contact declares a handful of instants, this only bounds a pathological one. */
    private static final int MAX_PROBES = 64;

    private final Evaluator evaluator;
    private final RuleRunner runner;
    private final Settings settings;
    private final SortedSet<String> ruleIds;

    Explainer(Evaluator evaluator, RuleRunner runner, Settings settings, SortedSet<String> ruleIds) {
        this.evaluator = evaluator;
        this.runner = runner;
        this.settings = settings;
        this.ruleIds = ruleIds;
    }

    Explanation explain(ContactState state, Instant now) {
        ContactState folded = Folding.advance(state, now);
        Contact contact = folded.contact();
        Emissions firings = new Emissions(1, true);
        runner.fire(List.of(contact), now, firings);
        Observed observed = new Observed();
        Evaluation evaluation = evaluator.afterFiring(state, folded, firings, 0, now, observed);

        Map<String, List<Finding>> findings = new TreeMap<>();
        ruleIds.forEach(r -> findings.put(r, new ArrayList<>()));
        for (String off : settings.disabledRules()) {
            findings.put(off, new ArrayList<>(List.of(new Finding(Outcome.SWITCHED_OFF, null, null, null, "switched off in settings"))));
        }
        RuleFailure failure = firings.failure(0);
        if (failure != null) {
            for (Map.Entry<String, List<Finding>> e : findings.entrySet()) {
                if (e.getValue().isEmpty()) {
                    e.getValue().add(e.getKey().equals(failure.rule())
                            ? new Finding(Outcome.FAILED, null, null, null, "fails: " + failure.message())
                            : new Finding(Outcome.FAILED, null, null, null, "not applied: rule " + failure.rule()
                                    + " fails for this contact, so its evaluation is rolled back"));
                }
            }
            return explanation(state, contact, now, evaluation, findings);
        }
        for (Action a : evaluation.actions()) {
            if (a.type().equals(Delivery.HOLDOUT_TYPE)) {
                add(findings, a.rule(), new Finding(Outcome.HOLDOUT, a.type(), a.key(), null,
                        "in the holdout: " + a.params().get("of") + " (key " + a.key() + ") is recorded as " + a.type() + ", not sent"));
            } else {
                add(findings, a.rule(), new Finding(Outcome.FIRES, a.type(), a.key(), null, "emits " + what(a.type(), a.key())));
            }
        }
        for (Observed.Held held : observed.withheld) {
            Action a = held.message();
            add(findings, a.rule(), new Finding(Outcome.WITHHELD, a.type(), a.key(), null,
                    what(a.type(), a.key()) + " withheld by " + held.policy()));
        }
        for (Observed.Spent spent : observed.inLedger) {
            add(findings, spent.firing().rule(), inLedger(spent.firing(), spent.entry()));
        }
        for (Action a : observed.noConsent) {
            add(findings, a.rule(), noConsent(contact, a.type(), a.key(), null));
        }
        probe(contact, now, firings, findings);
        for (Map.Entry<String, List<Finding>> e : findings.entrySet()) {
            if (e.getValue().isEmpty()) {
                String summary = StandardRules.summary(e.getKey());
                e.getValue().add(new Finding(Outcome.NOT_MET, null, null, null,
                        "its condition does not hold" + (summary == null ? "" : " (" + summary + ")")));
            }
        }
        return explanation(state, contact, now, evaluation, findings);
    }

    /** For rules with no finding yet: what if consent were granted, what happens later, what closed before. */
    private void probe(Contact contact, Instant now, Emissions asIs, Map<String, List<Finding>> findings) {
        if (noneOpen(findings)) {
            return;
        }
        Contact granted = withAllConsent(contact, now);
        TreeSet<Instant> later = new TreeSet<>();
        TreeSet<Instant> closed = new TreeSet<>();
        collect(asIs, now, later, closed);
        if (granted != null) {
            Emissions f = fire(granted, now);
            collect(f, now, later, closed);
            for (Emissions.Emission e : f.emissions(0)) {
                // Only a message without consent counts: granting consent may change other facts (the stage).
                if (isOpen(findings, e.rule()) && lacksConsent(contact, e)) {
                    Contact.LedgerEntry done = Ledger.done(contact, e.rule(), e.type(), e.key());
                    add(findings, e.rule(), done != null ? inLedger(e, done) : noConsent(contact, e.type(), e.key(), null));
                }
            }
        }
        probeLater(contact, granted, later, findings);
        probeClosed(contact, granted, closed, findings);
    }

    /**
     * Each later instant a rule declared: the first at which one of its firings comes due and is not in the
     * ledger makes it "not due until"; a rule whose only later firings are spent is "in the ledger".
     */
    private void probeLater(Contact contact, Contact granted, Set<Instant> later, Map<String, List<Finding>> findings) {
        Map<String, Finding> due = new TreeMap<>();
        Map<String, Finding> spent = new TreeMap<>();
        int probes = 0;
        for (Instant t : later) {
            if (probes++ == MAX_PROBES || noneOpen(findings)) {
                break;
            }
            for (Emissions.Emission e : fire(contact, t).emissions(0)) {
                if (isOpen(findings, e.rule()) && !due.containsKey(e.rule())) {
                    Contact.LedgerEntry done = Ledger.done(contact, e.rule(), e.type(), e.key());
                    if (done == null) {
                        due.put(e.rule(), new Finding(Outcome.NOT_DUE, e.type(), e.key(), t,
                                "not due until " + t + " (" + what(e.type(), e.key()) + ")"));
                    } else {
                        spent.putIfAbsent(e.rule(), new Finding(Outcome.IN_LEDGER, e.type(), e.key(), done.at(),
                                what(e.type(), e.key()) + " is already in the ledger since " + done.at()
                                        + ", so nothing goes out when it comes due again at " + t));
                    }
                }
            }
            if (granted != null) {
                for (Emissions.Emission e : fire(granted, t).emissions(0)) {
                    if (isOpen(findings, e.rule()) && !due.containsKey(e.rule()) && lacksConsent(contact, e)
                            && Ledger.done(contact, e.rule(), e.type(), e.key()) == null) {
                        due.put(e.rule(), noConsent(contact, e.type(), e.key(), t));
                    }
                }
            }
        }
        due.forEach((rule, f) -> add(findings, rule, f));
        spent.forEach((rule, f) -> {
            if (isOpen(findings, rule)) {
                add(findings, rule, f);
            }
        });
    }

    /**
     * Each window end a rule found closed, latest first: a firing that goes out just before the end but not at
     * it (nothing at the end with its key, or with its params for rules whose key carries the time) was cut
     * off by that window. Facts are today's, so this reads "with what is known now, its window closed then".
     */
    private void probeClosed(Contact contact, Contact granted, TreeSet<Instant> closed, Map<String, List<Finding>> findings) {
        int probes = 0;
        for (Instant end : closed.descendingSet()) {
            if (probes++ == MAX_PROBES || noneOpen(findings)) {
                break;
            }
            List<Emissions.Emission> before = emissions(contact, granted, end.minusNanos(1));
            List<Emissions.Emission> atEnd = emissions(contact, granted, end);
            for (Emissions.Emission e : before) {
                if (!isOpen(findings, e.rule()) || stillFires(e, atEnd)) {
                    continue;
                }
                Contact.LedgerEntry done = Ledger.done(contact, e.rule(), e.type(), e.key());
                add(findings, e.rule(), done != null
                        ? new Finding(Outcome.IN_LEDGER, e.type(), e.key(), done.at(), what(e.type(), e.key())
                                + " went out at " + done.at() + " (in the ledger); its window closed at " + end)
                        : new Finding(Outcome.STALE, e.type(), e.key(), end,
                                "stale since " + end + ": the window for " + what(e.type(), e.key()) + " closed"));
            }
        }
    }

    private List<Emissions.Emission> emissions(Contact contact, Contact granted, Instant at) {
        List<Emissions.Emission> out = new ArrayList<>(fire(contact, at).emissions(0));
        if (granted != null) {
            out.addAll(fire(granted, at).emissions(0));
        }
        return out;
    }

    private static boolean stillFires(Emissions.Emission e, List<Emissions.Emission> others) {
        for (Emissions.Emission o : others) {
            if (o.rule().equals(e.rule()) && o.type().equals(e.type()) && (o.key().equals(e.key()) || o.params().equals(e.params()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean lacksConsent(Contact contact, Emissions.Emission e) {
        Channel channel = Channel.ofMessageType(e.type());
        return channel != null && !contact.consented(channel);
    }

    private static boolean noneOpen(Map<String, List<Finding>> findings) {
        return findings.values().stream().noneMatch(List::isEmpty);
    }

    private Emissions fire(Contact c, Instant at) {
        Emissions f = new Emissions(1, true);
        runner.fire(List.of(c), at, f);
        return f.failure(0) == null ? f : new Emissions(1, true);
    }

    private static void collect(Emissions f, Instant now, Set<Instant> later, Set<Instant> closed) {
        for (Instant t : f.declared(0)) {
            if (t.isAfter(now)) {
                later.add(t);
            }
        }
        for (Instant t : f.closedWindows()) {
            if (!t.isAfter(now)) {
                closed.add(t);
            }
        }
    }

    /**
     * The contact with consent granted (at {@code now}, its subscription times kept) on every channel that
     * lacks it, or null if none does: what explaining asks "what if".
     */
    private static Contact withAllConsent(Contact contact, Instant now) {
        ContactDraft draft = null;
        for (Channel c : Channel.values()) {
            if (!contact.consented(c)) {
                if (draft == null) {
                    draft = new ContactDraft(contact);
                }
                ChannelConsent prev = draft.consents.read().get(c);
                draft.consents.write().put(c, new ChannelConsent(Consent.GRANTED, now, prev == null ? null : prev.subscribedAt()));
            }
        }
        return draft == null ? null : draft.freeze();
    }

    /** What the evaluation's steps dropped or held back, as its {@link Trace} saw it. */
    private static final class Observed implements Trace {
        record Spent(Emissions.Emission firing, Contact.LedgerEntry entry) {
        }

        record Held(Action message, String policy) {
        }

        final List<Spent> inLedger = new ArrayList<>();
        final List<Action> noConsent = new ArrayList<>();
        final List<Held> withheld = new ArrayList<>();

        @Override
        public void inLedger(Emissions.Emission firing, Contact.LedgerEntry entry) {
            inLedger.add(new Spent(firing, entry));
        }

        @Override
        public void noConsent(Action message) {
            noConsent.add(message);
        }

        @Override
        public void withheld(Action message, String policy) {
            withheld.add(new Held(message, policy));
        }
    }

    private static boolean isOpen(Map<String, List<Finding>> findings, String rule) {
        List<Finding> f = findings.get(rule);
        return f != null && f.isEmpty();
    }

    private static void add(Map<String, List<Finding>> findings, String rule, Finding f) {
        findings.computeIfAbsent(rule, r -> new ArrayList<>()).add(f);
    }

    private static Finding inLedger(Emissions.Emission e, Contact.LedgerEntry entry) {
        String how = entry.type().equals(e.type()) ? "" : " as " + entry.type();
        return new Finding(Outcome.IN_LEDGER, e.type(), e.key(), entry.at(),
                what(e.type(), e.key()) + " is already in the ledger" + how + " since " + entry.at());
    }

    private static Finding noConsent(Contact contact, String type, String key, Instant dueAt) {
        Channel channel = Channel.ofMessageType(type);
        String needs = channel != null ? "consent for " + channel.id() + ", which is " + contact.consent(channel).name().toLowerCase(java.util.Locale.ROOT)
                : "consent, which is not granted on every channel";
        return new Finding(Outcome.NO_CONSENT, type, key, dueAt,
                what(type, key) + " needs " + needs + (dueAt == null ? "" : " (and is not due until " + dueAt + ")"));
    }

    private static String what(String type, String key) {
        return type + " (key " + key + ")";
    }

    private Explanation explanation(ContactState state, Contact contact, Instant now, Evaluation evaluation,
                                    Map<String, List<Finding>> findings) {
        List<RuleVerdict> verdicts = new ArrayList<>();
        Map<String, Policies.Experiment> experiments = settings.policies().experiments();
        // Journeys get verdicts of their own: their findings move there.
        Map<String, List<Finding>> ofJourneys = new TreeMap<>();
        for (JourneyDefinition j : evaluator.allJourneys()) {
            List<Finding> f = findings.remove(j.id());
            if (f != null) {
                ofJourneys.put(j.id(), dedupe(f));
            }
        }
        for (Map.Entry<String, List<Finding>> e : findings.entrySet()) {
            Policies.Experiment x = experiments.get(e.getKey());
            verdicts.add(new RuleVerdict(e.getKey(), x == null ? null : x.arm(contact.id(), e.getKey()), dedupe(e.getValue())));
        }
        Instant wakeUp = evaluator.wakeUpARunStores(state, now, evaluation);
        Contact after = evaluation.state().contact();
        for (RuleFailure f : evaluation.failures()) {
            if (ofJourneys.containsKey(f.rule()) || evaluator.journeyIds().contains(f.rule())) {
                ofJourneys.computeIfAbsent(f.rule(), r -> new ArrayList<>()).add(0, new Finding(Outcome.FAILED, null, null, null,
                        "fails: " + f.message() + " (the contact's evaluation is rolled back)"));
            }
        }
        return new Explanation(contact, now, state.nextWakeUp(), wakeUp, evaluation.actions(), verdicts,
                JourneyExplainer.explain(evaluator.allJourneys(), settings, after, ofJourneys, now));
    }

    /** The same finding reported twice (a rule emitting one firing twice) is shown once. */
    private static List<Finding> dedupe(List<Finding> findings) {
        return new ArrayList<>(new java.util.LinkedHashSet<>(findings));
    }
}

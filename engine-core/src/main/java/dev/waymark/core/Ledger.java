package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.LedgerEntry;
import dev.waymark.Evaluation;
import dev.waymark.internal.JourneyRuns;
import dev.waymark.internal.StandardRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ledger of actions already emitted (docs/events-and-actions.md): a (contact, rule, type, key) goes out at most once over
 * the life of a contact. This class is the whole of it — what is admitted, what is recorded, and what may be
 * forgotten when the ledger grows. Stateless.
 *
 * <p><b>Bounded without forgetting what can recur.</b> An entry is forgotten only when its key can no longer
 * come back, which only a standard rule's or a journey's meaning tells: a stage change, last-order instant
 * or engagement instant older than the contact's current one; a cart or order key whose cart or order the
 * state no longer holds, once older than the 180-day retention; a journey key of a run that has ended. A
 * custom rule's keys can always recur, so none is ever forgotten. Instead every rule may hold at most
 * {@link #MAX_KEYS_PER_RULE} keys per contact: a firing with a new key beyond that is not emitted and not
 * recorded, and is reported ({@link Evaluation.LedgerFull}) naming the rule, so nothing goes out twice and
 * nothing goes out silently missing.
 */
final class Ledger {
    private Ledger() {
    }

    /** The most distinct keys one rule (or journey) holds in one contact's ledger. */
    static final int MAX_KEYS_PER_RULE = 256;

    /** What admit lets out, and per rule the firings kept back because the rule's ledger is full. */
    record Admitted(List<Action> actions, List<Evaluation.LedgerFull> full) {
    }

    /**
     * The pipeline's admit step: the firings not done before, as actions at {@code now}, each (rule, type,
     * key) once; what the ledger already holds is told to {@code trace} and dropped. A firing whose key
     * would take its rule past {@link #MAX_KEYS_PER_RULE} keys is kept back and counted in
     * {@link Admitted#full()}.
     */
    static Admitted admit(Contact contact, List<Emissions.Emission> firings, Instant now, Trace trace) {
        List<Action> admitted = new ArrayList<>(firings.size());
        Set<String> seen = new HashSet<>();
        Map<String, Set<String>> keys = null; // per rule: the keys it holds, once a rule needs counting
        Map<String, Integer> withheld = null;
        for (Emissions.Emission e : firings) {
            LedgerEntry done = done(contact, e.rule(), e.type(), e.key());
            if (done != null) {
                trace.inLedger(e, done);
                continue;
            }
            if (!seen.add(e.rule() + '\n' + e.type() + '\n' + e.key())) {
                continue;
            }
            if (contact.ledger().size() + admitted.size() >= MAX_KEYS_PER_RULE) { // only then can one rule be full
                if (keys == null) {
                    keys = keysByRule(contact);
                    for (Action a : admitted) {
                        keys.computeIfAbsent(a.rule(), r -> new HashSet<>()).add(a.key());
                    }
                }
                Set<String> held = keys.computeIfAbsent(e.rule(), r -> new HashSet<>());
                if (!held.contains(e.key()) && held.size() >= MAX_KEYS_PER_RULE) {
                    if (withheld == null) {
                        withheld = new TreeMap<>();
                    }
                    withheld.merge(e.rule(), 1, Integer::sum);
                    continue;
                }
                held.add(e.key());
            }
            admitted.add(Action.of(contact.id(), e.rule(), e.type(), e.key(), now, e.params()));
        }
        if (withheld == null) {
            return new Admitted(admitted, List.of());
        }
        List<Evaluation.LedgerFull> full = new ArrayList<>();
        for (Map.Entry<String, Integer> w : withheld.entrySet()) {
            full.add(new Evaluation.LedgerFull(contact.id(), w.getKey(), MAX_KEYS_PER_RULE, w.getValue()));
        }
        return new Admitted(admitted, full);
    }

    private static Map<String, Set<String>> keysByRule(Contact contact) {
        Map<String, Set<String>> keys = new HashMap<>();
        for (LedgerEntry e : contact.ledger()) {
            keys.computeIfAbsent(e.rule(), r -> new HashSet<>()).add(e.key());
        }
        return keys;
    }

    /**
     * Whether the firing is already done: the ledger holds it, or — for a message — the holdout record that
     * stood in for it. Returns that ledger entry, or null.
     */
    static LedgerEntry done(Contact contact, String rule, String type, String key) {
        boolean message = Channel.ofMessageType(type) != null;
        for (LedgerEntry e : contact.ledger()) {
            if (e.key().equals(key) && e.rule().equals(rule)
                    && (e.type().equals(type) || (message && e.type().equals(Delivery.HOLDOUT_TYPE)))) {
                return e;
            }
        }
        return null;
    }

    /** Records an emitted action (or holdout record). */
    static void record(ContactDraft d, Action a) {
        d.ledger.write().add(new LedgerEntry(a.rule(), a.type(), a.key(), a.at()));
    }

    /**
     * Over {@code max} entries, forgets the entries whose key can no longer recur (see {@link Ledger}) and
     * nothing else, so the ledger may stay above {@code max}: {@link #admit} bounds each rule.
     */
    static void trim(ContactDraft d, int max, Instant now) {
        if (d.ledger.read().size() <= max) {
            return;
        }
        Map<String, LedgerEntry> newestStage = new HashMap<>();
        for (LedgerEntry e : d.ledger.read()) {
            if (e.rule().equals(StandardRules.STAGE_PROGRESSION)) {
                newestStage.merge(e.type(), e, (a, b) -> b.at().isAfter(a.at()) ? b : a);
            }
        }
        Instant retained = now.minus(StandardRules.RETENTION);
        Collection<LedgerEntry> keepStage = newestStage.values();
        d.ledger.write().removeIf(e -> !keepStage.contains(e) && !canRecur(d, e, retained));
    }

    /** Whether {@code e}'s key could fire again for the contact of {@code d} (stage changes aside). */
    private static boolean canRecur(ContactDraft d, LedgerEntry e, Instant retained) {
        String key = e.key();
        switch (e.rule()) {
            case StandardRules.STAGE_PROGRESSION:
                return false; // its keys carry the evaluation time; only the newest is kept, to show
            case StandardRules.WIN_BACK:
            case StandardRules.CHURN_RISK:
                // keyed by the last order's instant, which only moves forward
                return d.lastOrderAt == null || key.equals(d.lastOrderAt.toString());
            case StandardRules.UNOPENED_CAMPAIGNS:
                // keyed by the last engagement ("after:never" before any), which only moves forward
                return d.lastEngagementAt == null || key.equals("after:" + d.lastEngagementAt);
            case StandardRules.ABANDONED_CART:
                return !e.at().isBefore(retained) || d.closedCarts.read().containsKey(key)
                        || d.carts().containsKey(key);
            case StandardRules.REVIEW_REQUEST:
                return !e.at().isBefore(retained) || d.recentOrders.read().stream().anyMatch(o -> o.id().equals(key));
            default:
                JourneyRuns.Journey j = d.journeys.of(e.rule());
                if (j != null) {
                    // a journey's keys are "<entry instant>/<step>": only its active run's can come back
                    return j.active() != null && key.startsWith(j.active().entryAt() + "/");
                }
                // welcome steps, "once", the one category, and every custom rule: forever
                return true;
        }
    }
}

package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.LedgerEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger of actions already emitted (docs/events-and-actions.md): a (contact, rule, type, key) goes out at most once over
 * the life of a contact. This class is the whole of it — what is admitted, what is recorded, and what may be
 * forgotten when the ledger grows. Stateless.
 */
final class Ledger {
    private Ledger() {
    }

    /**
     * The pipeline's admit step: the firings not done before, as actions at {@code now}, each (rule, type,
     * key) once; what the ledger already holds is told to {@code trace} and dropped.
     */
    static List<Action> admit(Contact contact, List<Emissions.Emission> firings, Instant now, Trace trace) {
        List<Action> admitted = new ArrayList<>(firings.size());
        Set<String> seen = new HashSet<>();
        for (Emissions.Emission e : firings) {
            LedgerEntry done = done(contact, e.rule(), e.type(), e.key());
            if (done != null) {
                trace.inLedger(e, done);
                continue;
            }
            if (seen.add(e.rule() + '\n' + e.type() + '\n' + e.key())) {
                admitted.add(Action.of(contact.id(), e.rule(), e.type(), e.key(), now, e.params()));
            }
        }
        return admitted;
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
     * Over {@code max} entries, forgets the oldest ones — but never the newest entry of each (rule, type).
     * That one holds the key that can still recur ({@code once}, the current last order, the current
     * engagement); older keys of the same rule and type are superseded and cannot come back.
     */
    static void trim(ContactDraft d, int max) {
        if (d.ledger.read().size() <= max) {
            return;
        }
        List<LedgerEntry> entries = d.ledger.write();
        entries.sort(Comparator.comparing(LedgerEntry::at));
        Map<String, LedgerEntry> newest = new HashMap<>();
        for (LedgerEntry e : entries) {
            newest.put(e.rule() + '\n' + e.type(), e);
        }
        Collection<LedgerEntry> keep = newest.values();
        Iterator<LedgerEntry> it = entries.iterator();
        int excess = entries.size() - max;
        while (excess > 0 && it.hasNext()) {
            LedgerEntry e = it.next();
            if (!keep.contains(e)) {
                it.remove();
                excess--;
            }
        }
    }
}

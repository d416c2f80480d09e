package dev.waymark.internal;

import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.JourneyEngine;
import dev.waymark.Policies;
import dev.waymark.RuleFailure;
import dev.waymark.Settings;
import dev.waymark.TemplateFailure;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The engine around a {@link RuleRunner}: per contact it skips what is not due, folds due events, fires
 * the rules, then turns what they asked for into actions — dropping what the ledger already holds and
 * messages without consent — applies the engine's own tag and stage actions, records the ledger and
 * computes the next wake-up. Immutable and thread-safe.
 */
public final class Evaluator implements JourneyEngine {

    private final Settings settings;
    private final RuleRunner runner;
    private final String rulesetId;
    private final boolean alwaysDue;
    private final SortedSet<String> ruleIds;
    private final int batchSize;
    private final boolean skipNotDue;
    private final boolean reactsToOwnActions;
    private final Delivery delivery;
    private final MessageRenderer renderer;

    /**
     * @param rulesetId  fingerprint of ruleset and settings; a state's wake-up is trusted only if it matches
     * @param alwaysDue  true when a rule does not declare its due times, so no contact may be skipped
     * @param batchSize  contacts handed to the runner at once
     * @param skipNotDue whether to skip contacts whose wake-up lies after {@code now} (false only to verify)
     * @param customRules whether the ruleset holds rules besides the standard ones (they may react to the
     *                    engine's own tag and stage actions, so a contact changed by them stays due)
     * @param renderer   renders message bodies from templates
     */
    public Evaluator(Settings settings, RuleRunner runner, String rulesetId, boolean alwaysDue,
                     SortedSet<String> ruleIds, int batchSize, boolean skipNotDue, boolean customRules,
                     MessageRenderer renderer) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.rulesetId = Objects.requireNonNull(rulesetId, "rulesetId");
        this.alwaysDue = alwaysDue;
        this.ruleIds = Collections.unmodifiableSortedSet(new java.util.TreeSet<>(ruleIds));
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        this.batchSize = batchSize;
        this.skipNotDue = skipNotDue;
        this.delivery = new Delivery(settings.policies());
        this.renderer = Objects.requireNonNull(renderer, "renderer");
        // The engine's own tag and stage actions take effect from the next evaluation; a contact they
        // change must not be skipped then if anything can react: custom rules, or suppression by tag.
        this.reactsToOwnActions = customRules || !settings.policies().suppressTags().isEmpty();
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public String rulesetId() {
        return rulesetId;
    }

    @Override
    public SortedSet<String> ruleIds() {
        return ruleIds;
    }

    @Override
    public Evaluation evaluate(ContactState state, Instant now) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
        return evaluateBatch(List.of(state), now).get(0);
    }

    @Override
    public BulkSummary evaluateAll(Iterable<ContactState> states, Instant now, Consumer<Evaluation> sink, int parallelism) {
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(sink, "sink");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
        }
        Totals totals = new Totals();
        Iterator<ContactState> it = states.iterator();
        if (parallelism == 1) {
            while (it.hasNext()) {
                deliver(evaluateBatch(nextBatch(it), now), sink, totals);
            }
            return totals.summary();
        }
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "waymark-evaluate-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            // A bounded window of batches in flight, delivered in input order on this thread.
            ArrayDeque<Future<List<Evaluation>>> inFlight = new ArrayDeque<>();
            while (it.hasNext() || !inFlight.isEmpty()) {
                while (it.hasNext() && inFlight.size() < parallelism * 2) {
                    List<ContactState> batch = nextBatch(it);
                    inFlight.add(pool.submit(() -> evaluateBatch(batch, now)));
                }
                deliver(inFlight.poll().get(), sink, totals);
            }
            return totals.summary();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.waymark.WaymarkException("bulk evaluation interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new dev.waymark.WaymarkException("bulk evaluation failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<ContactState> nextBatch(Iterator<ContactState> it) {
        List<ContactState> batch = new ArrayList<>(batchSize);
        while (it.hasNext() && batch.size() < batchSize) {
            batch.add(Objects.requireNonNull(it.next(), "states must not contain null"));
        }
        return batch;
    }

    private static void deliver(List<Evaluation> evaluations, Consumer<Evaluation> sink, Totals totals) {
        for (Evaluation e : evaluations) {
            totals.add(e);
            sink.accept(e);
        }
    }

    /** Evaluates a batch of contacts with one call into the runner. */
    public List<Evaluation> evaluateBatch(List<ContactState> states, Instant now) {
        Evaluation[] out = new Evaluation[states.size()];
        List<ContactState> advanced = new ArrayList<>(states.size());
        List<Contact> contacts = new ArrayList<>(states.size());
        int[] slot = new int[states.size()];
        for (int i = 0; i < states.size(); i++) {
            ContactState s = states.get(i);
            if (canSkip(s, now)) {
                out[i] = skip(s, now);
                continue;
            }
            ContactState a = s.advance(now);
            slot[advanced.size()] = i;
            advanced.add(a);
            contacts.add(a.contact());
        }
        if (!contacts.isEmpty()) {
            Firings firings = new Firings(contacts.size());
            runner.fire(contacts, now, firings);
            for (int j = 0; j < advanced.size(); j++) {
                int i = slot[j];
                out[i] = finish(states.get(i), advanced.get(j), firings, j, now, null);
            }
        }
        return java.util.Arrays.asList(out);
    }

    private boolean canSkip(ContactState s, Instant now) {
        if (!skipNotDue || alwaysDue || !rulesetId.equals(s.rulesetId()) || s.evaluatedAt() == null
                || now.isBefore(s.evaluatedAt()) || (s.nextWakeUp() != null && !now.isBefore(s.nextWakeUp()))) {
            return false;
        }
        for (Event e : s.pending()) {
            if (!e.at().isAfter(now)) {
                return false;
            }
        }
        return true;
    }

    private static Evaluation skip(ContactState s, Instant now) {
        Instant wake = earliest(s.nextWakeUp(), firstPendingAfter(s.pending(), now));
        ContactState kept = Objects.equals(wake, s.nextWakeUp()) ? s
                : new ContactState(s.contact(), s.pending(), s.seenEventIds(), wake, s.evaluatedAt(), s.rulesetId());
        return new Evaluation(kept, List.of(), List.of(), true);
    }

    @Override
    public dev.waymark.Explanation explain(ContactState state, Instant now) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
        return new Explainer(this, runner, settings, ruleIds).explain(state, now);
    }

    /**
     * The state a run at {@code now} keeps, given {@code full}, the evaluation of the contact without skipping:
     * a skipped contact keeps its wake-up, which may be later (so more precise) than the full pass's.
     */
    ContactState stateKept(ContactState state, Instant now, Evaluation full) {
        return canSkip(state, now) ? skip(state, now).state() : full.state();
    }

    /** What {@link #finish} dropped or held back, for explaining; null when evaluating. */
    static final class Diagnosis {
        final List<Firings.Emission> noConsent = new ArrayList<>();
        final List<Spent> inLedger = new ArrayList<>();
        List<Delivery.Withheld> withheld = List.of();
    }

    /** A firing dropped because the ledger holds it, and the entry that does. */
    record Spent(Firings.Emission emission, Contact.LedgerEntry entry) {
    }

    /**
     * Whether the firing is already done: the ledger holds it, or — for a message — the holdout record that
     * stood in for it. Returns that ledger entry, or null.
     */
    static Contact.LedgerEntry done(Contact contact, String rule, String type, String key) {
        boolean message = Channel.ofMessageType(type) != null;
        for (Contact.LedgerEntry e : contact.ledger()) {
            if (e.key().equals(key) && e.rule().equals(rule)
                    && (e.type().equals(type) || (message && e.type().equals(Delivery.HOLDOUT_TYPE)))) {
                return e;
            }
        }
        return null;
    }

    Evaluation finish(ContactState original, ContactState advanced, Firings firings, int j, Instant now, Diagnosis diagnosis) {
        RuleFailure failure = firings.failure(j);
        if (failure != null) {
            // Roll the contact back whole: its events stay pending and are retried at the next evaluation.
            return new Evaluation(original, List.of(), List.of(failure), false);
        }
        Contact contact = advanced.contact();
        List<Action> fired = new ArrayList<>();
        Set<String> emitted = new HashSet<>();
        for (Firings.Emission e : firings.emissions(j)) {
            Channel channel = Channel.ofMessageType(e.type());
            if (channel != null && !contact.consented(channel)) {
                if (diagnosis != null) {
                    diagnosis.noConsent.add(e);
                }
                continue; // SPEC §3: never a message without consent for its channel
            }
            Contact.LedgerEntry done = done(contact, e.rule(), e.type(), e.key());
            if (done != null) {
                if (diagnosis != null) {
                    diagnosis.inLedger.add(new Spent(e, done));
                }
                continue; // at most once per (contact, rule, type, key)
            }
            if (!emitted.add(e.rule() + '\n' + e.type() + '\n' + e.key())) {
                continue;
            }
            fired.add(Action.of(contact.id(), e.rule(), e.type(), e.key(), now, e.params()));
        }
        Delivery.Outcome delivered = delivery.apply(contact, fired, now);
        if (diagnosis != null) {
            diagnosis.withheld = delivered.withheld();
        }
        List<Action> actions = new ArrayList<>(delivered.emitted());
        List<TemplateFailure> templateFailures = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            Action a = actions.get(i);
            if (a.messageChannel() != null) {
                MessageRenderer.Rendered r = renderer.render(a, contact, now);
                actions.set(i, r.action());
                if (r.error() != null) {
                    templateFailures.add(new TemplateFailure(contact.id(), a.rule(), String.valueOf(a.params().get("template")), r.error()));
                }
            }
        }
        boolean changedByOwnActions = false;
        if (!actions.isEmpty()) {
            actions.sort(Action.OUTPUT_ORDER);
            ContactDraft draft = new ContactDraft(contact);
            Policies.Conversion goal = settings.policies().conversion();
            for (Action a : actions) {
                draft.applyAction(a);
                changedByOwnActions |= a.type().equals("tag.add") || a.type().equals("tag.remove") || a.type().equals("stage.set");
                if (a.messageChannel() != null || a.type().equals(Delivery.HOLDOUT_TYPE)) {
                    Object arm = settings.policies().experiments().containsKey(a.rule()) ? a.params().get("variant") : null;
                    draft.expose(a.rule(), arm == null ? Policies.Conversion.ALL : arm.toString(), now, goal.event(), goal.window());
                }
            }
            contact = draft.freeze();
        }
        Instant wake = earliest(earliest(firings.dueAt(j), firstPendingAfter(advanced.pending(), now)), delivered.wakeUp());
        if (alwaysDue || (reactsToOwnActions && changedByOwnActions)) {
            wake = now;
        }
        ContactState next = new ContactState(contact, advanced.pending(), advanced.seenEventIds(), wake, now, rulesetId);
        return new Evaluation(next, actions, List.of(), false, templateFailures);
    }

    private static Instant firstPendingAfter(List<Event> pending, Instant now) {
        Instant first = null;
        for (Event e : pending) {
            if (e.at().isAfter(now) && (first == null || e.at().isBefore(first))) {
                first = e.at();
            }
        }
        return first;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isBefore(b) ? a : b);
    }

    /** Running totals of a bulk run. */
    private static final class Totals {
        long contacts;
        long evaluated;
        long skipped;
        long actions;
        final List<RuleFailure> failures = new ArrayList<>();
        final List<TemplateFailure> templateFailures = new ArrayList<>();

        void add(Evaluation e) {
            templateFailures.addAll(e.templateFailures());
            contacts++;
            if (e.skipped()) {
                skipped++;
            } else {
                evaluated++;
            }
            actions += e.actions().size();
            failures.addAll(e.failures());
        }

        BulkSummary summary() {
            return new BulkSummary(contacts, evaluated, skipped, actions, failures, templateFailures);
        }
    }
}

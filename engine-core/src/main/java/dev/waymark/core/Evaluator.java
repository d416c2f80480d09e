package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Evaluation.RuleFailure;
import dev.waymark.Evaluation.TemplateFailure;
import dev.waymark.Event;
import dev.waymark.Explanation;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.WaymarkException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The evaluation pipeline: the one {@link JourneyEngine} every rule runner is plugged into. Built by
 * {@link Pipeline}; immutable and thread-safe.
 *
 * <p><b>Design.</b> An evaluation of one contact at {@code now} is a fixed sequence of named steps, each in
 * the class that answers its question:
 * <ol>
 *   <li><b>receive</b> — the host's {@link ContactState#withEvents}, before the engine is called;</li>
 *   <li><b>skip</b> — a contact whose wake-up lies after {@code now}, with no due event, is not evaluated
 *       ({@link #canSkip}): the reason a pass costs what is due;</li>
 *   <li><b>fold</b> — due events into the facts, then the size bounds ({@link Folding});</li>
 *   <li><b>fire</b> — the rules, a batch of contacts per call ({@link RuleRunner} into {@link Emissions});</li>
 *   <li><b>journeys</b> — each journey switched on moves as far as its step times allow, its sends added to
 *       the rules' emissions with rule = the journey id ({@link JourneyPass}); a send delivery withholds holds
 *       its run at that step (the journey is advanced again with that send as the barrier, and its later
 *       actions are not emitted);</li>
 *   <li><b>admit</b> — drop what the ledger holds, each firing once ({@link Ledger#admit});</li>
 *   <li><b>deliver</b> — consent first, then the delivery policies ({@link Delivery});</li>
 *   <li><b>render</b> — message bodies from templates ({@link MessageRenderer});</li>
 *   <li><b>own actions</b> — tags and stage applied, everything recorded in the ledger ({@link OwnActions});</li>
 *   <li><b>next wake-up</b> — the earliest instant anything could fire with no new event ({@link #nextWakeUp}).</li>
 * </ol>
 * A rule failure rolls the contact back whole: its state stays as it was, so its events are retried at the
 * next evaluation. Explaining runs the same steps on one contact with a {@link Trace} watching
 * ({@link Explainer}), so it cannot disagree with a run.
 */
final class Evaluator implements JourneyEngine {

    /** What the pipeline is built from; see {@link Pipeline.Builder} for each part's meaning. */
    record Config(Settings settings, RuleRunner rules, String rulesetId, SortedSet<String> ruleIds,
                  Pipeline.WakeUps wakeUps, boolean rulesReactToOwnActions, boolean skipContactsNotDue,
                  int batchSize, MessageRenderer renderer, List<JourneyDefinition> journeys,
                  java.util.SortedMap<String, String> rulesWithoutDueTimes) {
    }

    private final Config config;
    private final Settings settings;
    private final RuleRunner runner;
    private final Delivery delivery;
    /** Every contact is due at every evaluation: some rule does not declare its due times. */
    private final boolean alwaysDue;
    /**
     * The engine's own tag and stage actions take effect from the next evaluation; a contact they change
     * must not be skipped then if anything can react: custom rules, or suppression by tag.
     */
    private final boolean reactsToOwnActions;
    /** The journeys switched on, by id. */
    private final List<JourneyDefinition> journeys;
    private final SortedSet<String> journeyIds;

    Evaluator(Config config) {
        this.config = config;
        this.settings = config.settings();
        this.runner = config.rules();
        this.delivery = new Delivery(settings.policies());
        this.alwaysDue = config.wakeUps() == Pipeline.WakeUps.EVERY_EVALUATION;
        this.journeys = config.journeys().stream().filter(j -> settings.enabled(j.id()))
                .sorted(java.util.Comparator.comparing(JourneyDefinition::id)).toList();
        this.journeyIds = java.util.Collections.unmodifiableSortedSet(
                new java.util.TreeSet<>(journeys.stream().map(JourneyDefinition::id).toList()));
        // A journey condition may read a tag or the stage the engine's own actions change.
        this.reactsToOwnActions = config.rulesReactToOwnActions() || !settings.policies().suppressTags().isEmpty()
                || journeys.stream().anyMatch(JourneyDefinition::hasConditions);
    }

    @Override
    public SortedSet<String> journeyIds() {
        return journeyIds;
    }

    /** Every journey the engine was given, switched off ones too. */
    List<JourneyDefinition> allJourneys() {
        return config.journeys();
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public String rulesetId() {
        return config.rulesetId();
    }

    @Override
    public SortedSet<String> ruleIds() {
        return config.ruleIds();
    }

    @Override
    public java.util.SortedMap<String, String> rulesWithoutDueTimes() {
        return config.rulesWithoutDueTimes();
    }

    @Override
    public Evaluation evaluate(ContactState state, Instant now) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
        return evaluateBatch(List.of(state), now).get(0);
    }

    @Override
    public Explanation explain(ContactState state, Instant now) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(now, "now");
        return new Explainer(this, runner, settings, config.ruleIds()).explain(state, now);
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
                deliverInOrder(evaluateBatch(nextBatch(it), now), sink, totals);
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
            // A bounded window of batches in flight, handed to the sink in input order on this thread.
            ArrayDeque<Batch> inFlight = new ArrayDeque<>();
            while (it.hasNext() || !inFlight.isEmpty()) {
                while (it.hasNext() && inFlight.size() < parallelism * 2) {
                    List<ContactState> batch = nextBatch(it);
                    Batch b = new Batch(() -> evaluateBatch(batch, now));
                    pool.execute(b);
                    inFlight.add(b);
                }
                deliverInOrder(await(inFlight.poll()), sink, totals);
            }
            return totals.summary();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaymarkException("bulk evaluation interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new WaymarkException("bulk evaluation failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** How often a pass waiting for a batch asks the runner whether that batch's thread is lost. */
    private static final long WAIT_SLICE_MILLIS = 100;

    /** A batch evaluated on a pool thread, knowing that thread while it runs. */
    private static final class Batch extends FutureTask<List<Evaluation>> {
        volatile Thread worker;

        Batch(java.util.concurrent.Callable<List<Evaluation>> work) {
            super(work);
        }

        @Override
        public void run() {
            worker = Thread.currentThread();
            try {
                super.run();
            } finally {
                worker = null;
            }
        }
    }

    /**
     * The batch's evaluations once done; the runner's exception when the thread evaluating it is lost to a rule
     * that never returns (the pass then ends, rather than waiting for ever).
     */
    private List<Evaluation> await(Batch b) throws InterruptedException, ExecutionException {
        while (true) {
            try {
                return b.get(WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException slow) {
                Thread worker = b.worker;
                RuntimeException lost = worker == null ? null : runner.lost(worker);
                if (lost != null) {
                    throw lost;
                }
            }
        }
    }

    private List<ContactState> nextBatch(Iterator<ContactState> it) {
        List<ContactState> batch = new ArrayList<>(config.batchSize());
        while (it.hasNext() && batch.size() < config.batchSize()) {
            batch.add(Objects.requireNonNull(it.next(), "states must not contain null"));
        }
        return batch;
    }

    private static void deliverInOrder(List<Evaluation> evaluations, Consumer<Evaluation> sink, Totals totals) {
        for (Evaluation e : evaluations) {
            totals.add(e);
            sink.accept(e);
        }
    }

    /** Skip, fold and fire for a batch of contacts (one call into the rules), then the rest per contact. */
    private List<Evaluation> evaluateBatch(List<ContactState> states, Instant now) {
        Evaluation[] out = new Evaluation[states.size()];
        List<ContactState> folded = new ArrayList<>(states.size());
        List<Contact> contacts = new ArrayList<>(states.size());
        List<List<Evaluation.RejectedEvent>> rejected = new ArrayList<>(states.size());
        int[] slot = new int[states.size()];
        for (int i = 0; i < states.size(); i++) {
            ContactState s = states.get(i);
            if (canSkip(s, now)) {
                out[i] = skip(s, now);
                continue;
            }
            ContactState f;
            List<Evaluation.RejectedEvent> over = new ArrayList<>(0);
            try {
                f = Folding.advance(s, now, over);
            } catch (RuntimeException | StackOverflowError e) {
                // One contact's history must never stop the run: it fails alone, as a rule failure does.
                out[i] = failed(s, FOLD, e);
                continue;
            }
            slot[folded.size()] = i;
            rejected.add(over);
            folded.add(f);
            contacts.add(f.contact());
        }
        if (!contacts.isEmpty()) {
            Emissions emissions = new Emissions(contacts.size());
            runner.fire(contacts, now, emissions);
            for (int j = 0; j < folded.size(); j++) {
                int i = slot[j];
                try {
                    out[i] = withRejected(afterFiring(states.get(i), folded.get(j), emissions, j, now, Trace.NONE), rejected.get(j));
                } catch (RuntimeException | StackOverflowError e) {
                    out[i] = failed(states.get(i), AFTER_RULES, e);
                }
            }
        }
        return Arrays.asList(out);
    }

    /**
     * {@code e} reporting the events its fold rejected, unless the contact was rolled back: then they are
     * still pending, and are met (and reported) again when it is evaluated next.
     */
    private static Evaluation withRejected(Evaluation e, List<Evaluation.RejectedEvent> rejected) {
        if (rejected.isEmpty() || !e.failures().isEmpty()) {
            return e;
        }
        return new Evaluation(e.state(), e.actions(), e.failures(), e.skipped(), e.templateFailures(), e.ledgerFull(),
                rejected);
    }

    /** The rule name of a failure while folding a contact's events (see {@link RuleFailure}). */
    static final String FOLD = "(fold)";
    /** The rule name of a failure in the steps after the rules fired: journeys, ledger, delivery, own actions. */
    static final String AFTER_RULES = "(pipeline)";

    /**
     * The contact rolled back whole after {@code e}: its state as it was, so its pending events stay and are
     * retried at the next evaluation, and the failure reported like a rule's.
     */
    private static Evaluation failed(ContactState original, String step, Throwable e) {
        String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new Evaluation(original, List.of(), List.of(new RuleFailure(original.contactId(), step, message)), false);
    }

    /**
     * Admit, deliver, render, own actions and next wake-up for the contact at {@code index} of
     * {@code emissions}, whose rules fired on {@code folded}. {@code trace} watches what is dropped or held.
     */
    Evaluation afterFiring(ContactState original, ContactState folded, Emissions emissions, int index, Instant now, Trace trace) {
        RuleFailure failure = emissions.failure(index);
        if (failure != null) {
            // Roll the contact back whole: its events stay pending and are retried at the next evaluation.
            return new Evaluation(original, List.of(), List.of(failure), false);
        }
        Contact contact = folded.contact();
        List<Emissions.Emission> firings = emissions.emissions(index);
        JourneyPass.Outcome moved = null;
        List<Event> due = journeys.isEmpty() ? List.of() : Folding.due(original.pending(), now);
        try {
            if (!journeys.isEmpty()) {
                moved = new JourneyPass.Outcome(JourneyPass.advance(journeys, contact, due, now, java.util.Map.of()));
                firings = new ArrayList<>(firings);
                firings.addAll(moved.emissions());
            }
        } catch (JourneyPass.Failed f) {
            return new Evaluation(original, List.of(), List.of(new RuleFailure(contact.id(), f.journey, f.getMessage())), false);
        }
        Ledger.Admitted admitted = Ledger.admit(contact, firings, now, trace);
        Delivery.Outcome delivered = delivery.apply(contact, admitted.actions(), now, trace,
                moved == null ? Delivery.JourneyOrder.NONE : moved.order());
        if (moved != null && !delivered.heldAt().isEmpty()) {
            // Each journey holding at a withheld send moves again up to it, so only an exit can still end it.
            moved = moved.with(JourneyPass.advance(journeys, contact, due, now, delivered.heldAt()));
        }
        List<TemplateFailure> templateFailures = new ArrayList<>();
        List<Action> actions = render(contact, delivered.emitted(), now, templateFailures);
        actions.sort(Action.OUTPUT_ORDER);
        Contact base = moved == null ? contact : withJourneys(contact, moved.runs(contact.journeys()));
        Contact after = actions.isEmpty() ? base : OwnActions.apply(base, actions, settings);
        Instant wake = nextWakeUp(folded, earliest(emissions.dueAt(index), moved == null ? null : moved.wakeUp()),
                delivered.wakeUp(), actions, now);
        trace.journeys(moved == null ? java.util.Map.of() : moved.results());
        ContactState next = new ContactState(after, folded.pending(), folded.seenEventIds(), wake, now, config.rulesetId());
        return new Evaluation(next, actions, List.of(), false, templateFailures, admitted.full(), List.of());
    }

    private static Contact withJourneys(Contact contact, dev.waymark.internal.JourneyRuns runs) {
        if (runs == contact.journeys()) {
            return contact;
        }
        ContactDraft d = new ContactDraft(contact);
        d.journeys = runs;
        return d.freeze();
    }

    /** Render: each message with a template gets its body; a failure leaves it without one and is reported. */
    private List<Action> render(Contact contact, List<Action> delivered, Instant now, List<TemplateFailure> failures) {
        List<Action> actions = new ArrayList<>(delivered);
        for (int i = 0; i < actions.size(); i++) {
            Action a = actions.get(i);
            if (a.messageChannel() != null) {
                MessageRenderer.Rendered r = config.renderer().render(a, contact, now);
                actions.set(i, r.action());
                if (r.error() != null) {
                    failures.add(new TemplateFailure(contact.id(), a.rule(), String.valueOf(a.params().get("template")), r.error()));
                }
            }
        }
        return actions;
    }

    /**
     * Next wake-up: the earliest of what the rules declared due, the first pending event after {@code now}
     * and the instant a withheld message could go out; {@code now} itself ("look again next time") when a
     * rule does not declare its due times, or when an own action changed the contact and something reacts.
     */
    private Instant nextWakeUp(ContactState folded, Instant rulesDue, Instant withheldUntil, List<Action> actions, Instant now) {
        if (alwaysDue || (reactsToOwnActions && actions.stream().anyMatch(OwnActions::changesContact))) {
            return now;
        }
        return earliest(earliest(rulesDue, firstPendingAfter(folded.pending(), now)), withheldUntil);
    }

    /** Skip: nothing can fire before the stored wake-up, and no pending event is due. */
    private boolean canSkip(ContactState s, Instant now) {
        if (!config.skipContactsNotDue() || alwaysDue || !config.rulesetId().equals(s.rulesetId()) || s.evaluatedAt() == null
                || s.pending().size() > StateBounds.MAX_PENDING
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

    /**
     * The wake-up a run at {@code now} stores, given {@code full}, the evaluation of the contact without
     * skipping: a skipped contact keeps its wake-up, which may be later (so more precise) than the full pass's.
     */
    Instant wakeUpARunStores(ContactState state, Instant now, Evaluation full) {
        return (canSkip(state, now) ? skip(state, now).state() : full.state()).nextWakeUp();
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
        final List<Evaluation.LedgerFull> ledgerFull = new ArrayList<>();
        final List<Evaluation.RejectedEvent> rejected = new ArrayList<>();

        void add(Evaluation e) {
            templateFailures.addAll(e.templateFailures());
            ledgerFull.addAll(e.ledgerFull());
            rejected.addAll(e.rejected());
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
            return new BulkSummary(contacts, evaluated, skipped, actions, failures, templateFailures, ledgerFull, rejected);
        }
    }
}

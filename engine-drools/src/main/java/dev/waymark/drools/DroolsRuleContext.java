package dev.waymark.drools;

import dev.waymark.drools.internal.ContactFailures;

import dev.waymark.Contact;
import dev.waymark.Evaluation.RuleFailure;
import dev.waymark.Settings;
import dev.waymark.Stage;
import dev.waymark.core.Emissions;
import dev.waymark.internal.StandardRules;
import dev.waymark.core.Stages;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.kie.api.runtime.rule.AgendaFilter;
import org.kie.api.runtime.rule.Match;

/**
 * The {@code waymark} global of one Drools session: bound to a batch of contacts for one
 * {@code fireAllRules}, it routes what rules report into that batch's {@link Emissions}. Confined to the
 * thread that holds the session, except for what the {@link Watchdog} reads: the watch state (volatile, a
 * batch number while one runs), the firings so far (published with release semantics, read with acquire) and,
 * through that, the rule firing and the batch's contacts.
 */
final class DroolsRuleContext implements RuleContext, ContactFailures, AgendaFilter {

    private final Settings settings;
    private final IdentityHashMap<Contact, Integer> index = new IdentityHashMap<>();
    private Instant now;
    private Emissions out;
    private int[] outIndex;
    private String currentRule;
    /** The last contact whose stage was asked for in this batch, and that stage: rules ask more than once. */
    private Contact stageOf;
    private Stage stage;

    /** Every standard parameter's value, resolved once: rules read them for every contact. */
    private final Map<String, Map<String, Object>> params = new java.util.HashMap<>();
    private final Duration stageLapse;
    /** The numbered steps of every hours-list parameter, by rule and parameter, resolved once too. */
    private final Map<String, Map<String, List<Step>>> steps = new java.util.HashMap<>();
    /** The longest delay of every hours-list parameter, by rule and parameter. */
    private final Map<String, Map<String, Duration>> longest = new java.util.HashMap<>();

    /** Watch states besides a running batch's number (which is positive). */
    static final long IDLE = 0;
    static final long INTERRUPTING = -1;
    static final long INTERRUPTED = -2;
    static final long ABANDONED = -3;
    private static final VarHandle STATE;
    private static final VarHandle FIRED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(DroolsRuleContext.class, "watchState", long.class);
            FIRED = l.findVarHandle(DroolsRuleContext.class, "fired", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** IDLE, a running batch's number, or INTERRUPTING / INTERRUPTED / ABANDONED once the watchdog stepped in. */
    private volatile long watchState;
    private long batches;
    /** Firings of the current batch: the budget's counter and the watchdog's sign of progress. */
    private int fired;
    private Match currentMatch;
    private Thread thread;
    private List<Contact> contacts = List.of();
    private String stuckRule;
    DroolsRuleContext(Settings settings) {
        this.settings = settings;
        for (String rule : StandardRules.ids()) {
            Map<String, Object> values = new java.util.HashMap<>();
            for (String param : StandardRules.params(rule).keySet()) {
                Object value = settings.param(rule, param);
                values.put(param, value);
                if (StandardRules.params(rule).get(param).kind() == StandardRules.Kind.HOURS_LIST) {
                    @SuppressWarnings("unchecked")
                    List<Duration> delays = (List<Duration>) value;
                    steps.computeIfAbsent(rule, r -> new java.util.HashMap<>()).put(param, numbered(delays));
                    longest.computeIfAbsent(rule, r -> new java.util.HashMap<>()).put(param, RuleContext.super.longest(rule, param)); // one definition of the longest; it reads only settings
                }
            }
            params.put(rule, values);
        }
        stageLapse = settings.duration(StandardRules.STAGE_PROGRESSION, "lapseDays");
    }

    /** The resolved value, or the settings' own lookup (which explains an unknown rule or parameter). */
    private Object param(String rule, String param) {
        Map<String, Object> values = params.get(rule);
        Object v = values == null ? null : values.get(param);
        return v != null ? v : settings.param(rule, param);
    }

    void begin(List<Contact> contacts, int[] outIndex, Instant now, Emissions out) {
        this.contacts = contacts;
        index.clear();
        for (int i = 0; i < contacts.size(); i++) {
            index.put(contacts.get(i), i);
        }
        this.outIndex = outIndex;
        this.now = now;
        stageOf = null;
        this.out = out;
    }

    void end() {
        index.clear();
        stageOf = null;
        stage = null;
        out = null;
        currentRule = null;
        currentMatch = null;
        contacts = List.of();
    }

    /**
     * Drools asks just before each firing: the rule's name is remembered for {@code emit}, the firing counted,
     * and every match fires. (An agenda filter instead of an event listener: with no listener Drools creates
     * no event objects.)
     */
    @Override
    public boolean accept(Match match) {
        currentRule = match.getRule().getName();
        currentMatch = match;
        FIRED.setRelease(this, fired + 1); // a plain store on x86; the watchdog reads it with acquire
        return true;
    }

    /** The rule that last started firing in this batch, or null. */
    String currentRule() {
        return currentRule;
    }

    /** Firings so far in this batch. */
    int fired() {
        return fired;
    }

    // --- what the watchdog sees -------------------------------------------------------------------------------

    /** Publishes that this thread runs a batch from now on (after {@link #begin}). */
    void watchStart() {
        thread = Thread.currentThread();
        fired = 0;
        watchState = ++batches; // volatile: publishes the thread, the contacts and the count
    }

    /**
     * Ends the watch of the batch: IDLE when the watchdog never stepped in, else what it did (INTERRUPTED or
     * ABANDONED), with this thread's interrupt cleared.
     */
    long watchEnd() {
        long state = watchState;
        if (state > 0 && STATE.compareAndSet(this, state, IDLE)) {
            return IDLE;
        }
        while ((state = watchState) == INTERRUPTING) {
            Thread.onSpinWait(); // the watchdog is between deciding and interrupting: a few instructions
        }
        if (state == INTERRUPTED && !STATE.compareAndSet(this, INTERRUPTED, IDLE)) {
            state = watchState; // given up on just now
        }
        Thread.interrupted(); // the watchdog's interrupt is not the caller's
        watchState = IDLE;
        return state;
    }

    long watchState() {
        return watchState;
    }

    int firedSoFar() {
        return (int) FIRED.getAcquire(this);
    }

    Thread watchedThread() {
        return thread;
    }

    boolean markInterrupting(long batch) {
        return STATE.compareAndSet(this, batch, INTERRUPTING);
    }

    /** After {@link #markInterrupting}: the rule the watchdog found stuck, published by the state's write. */
    void markInterrupted(String rule) {
        stuckRule = rule;
        watchState = INTERRUPTED;
    }

    /** The rule the watchdog interrupted, once {@link #watchEnd} returned INTERRUPTED or ABANDONED. */
    String stuckRule() {
        return stuckRule;
    }

    boolean markAbandoned() {
        return STATE.compareAndSet(this, INTERRUPTED, ABANDONED);
    }

    /** The watchdog's report of this batch being stuck: the rule that last started firing and its contact. */
    Waymark.RunawayRuleException describeStuck(String limit) {
        String rule = currentRule;
        Match m = currentMatch;
        String contact = null;
        if (m != null) {
            try {
                for (Object o : m.getObjects()) {
                    if (o instanceof Contact c) {
                        contact = c.id();
                        break;
                    }
                }
            } catch (RuntimeException e) {
                contact = null; // the match is Drools' own state, read from another thread: best effort
            }
        }
        List<Contact> batch = contacts;
        if (contact == null && batch.size() == 1) {
            contact = batch.get(0).id();
        }
        return new Waymark.RunawayRuleException(rule, contact, limit);
    }

    /** Records a failure for {@code contact}, or for every contact of the batch when it is unknown. */
    @Override
    public void fail(Contact contact, String rule, Throwable error) {
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        if (contact != null && index.containsKey(contact)) {
            out.fail(outIndex[index.get(contact)], new RuleFailure(contact.id(), rule, message));
            return;
        }
        for (Map.Entry<Contact, Integer> e : index.entrySet()) {
            out.fail(outIndex[e.getValue()], new RuleFailure(e.getKey().id(), rule, message));
        }
    }

    private int slot(Contact c) {
        Integer i = index.get(c);
        if (i == null) {
            throw new IllegalArgumentException("contact " + c.id() + " is not being evaluated: pass the Contact fact the rule matched");
        }
        return outIndex[i];
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public boolean due(Contact contact, Instant at) {
        if (at == null) {
            return false;
        }
        if (!now.isBefore(at)) {
            return true;
        }
        out.dueAt(slot(contact), at);
        return false;
    }

    @Override
    public boolean due(Contact contact, Instant from, Duration delay) {
        return from != null && due(contact, from.plus(delay));
    }

    @Override
    public boolean dueAfter(Contact contact, Instant at) {
        return at != null && due(contact, at.plusNanos(1));
    }

    @Override
    public boolean before(Instant at) {
        if (at == null) {
            return false;
        }
        if (now.isBefore(at)) {
            return true;
        }
        out.windowClosed(at);
        return false;
    }

    @Override
    public List<Step> steps(String rule, String param) {
        List<Step> resolved = steps.getOrDefault(rule, Map.of()).get(param);
        return resolved != null ? resolved : numbered(settings.durations(rule, param)); // the latter explains a bad name
    }

    private static List<Step> numbered(List<Duration> delays) {
        List<Step> steps = new ArrayList<>(delays.size());
        for (int i = 0; i < delays.size(); i++) {
            steps.add(new Step(i + 1, delays.get(i)));
        }
        return List.copyOf(steps);
    }

    @Override
    public Duration longest(String rule, String param) {
        Duration resolved = longest.getOrDefault(rule, Map.of()).get(param);
        return resolved != null ? resolved : RuleContext.super.longest(rule, param); // the latter explains a bad name
    }

    @Override
    public long daysSince(Instant at) {
        return Duration.between(at, now).toDays();
    }

    @Override
    public Duration duration(String rule, String param) {
        return param(rule, param) instanceof Duration d ? d : settings.duration(rule, param);
    }

    @Override
    public List<Duration> durations(String rule, String param) {
        return settings.durations(rule, param);
    }

    @Override
    public int integer(String rule, String param) {
        return param(rule, param) instanceof Integer i ? i : settings.integer(rule, param);
    }

    @Override
    public double number(String rule, String param) {
        return param(rule, param) instanceof Double d ? d : settings.number(rule, param);
    }

    @Override
    public Stage stage(Contact contact) {
        if (contact == stageOf) {
            return stage; // its lapse is declared already
        }
        int slot = slot(contact);
        stage = Stages.compute(contact, now, stageLapse, at -> out.dueAt(slot, at));
        stageOf = contact;
        return stage;
    }

    @Override
    public void emit(Contact contact, String type, String key) {
        emit(contact, type, key, Map.of());
    }

    @Override
    public void emit(Contact contact, String type, String key, Map<String, ?> params) {
        if (currentRule == null) {
            throw new IllegalStateException("emit is only for a rule's consequence (then-part)");
        }
        if (type == null || type.isEmpty() || key == null) {
            throw new IllegalArgumentException("emit needs a non-empty type and a key, got type=" + type + " key=" + key);
        }
        out.emit(slot(contact), currentRule, type, key, params);
    }
}

package dev.waymark.bench;

import dev.waymark.Action;
import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.Settings;
import dev.waymark.Stage;
import dev.waymark.drools.RuleContext;
import dev.waymark.core.Folding;
import dev.waymark.core.Emissions.Emission;
import dev.waymark.core.Stages;
import dev.waymark.internal.StandardRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kie.api.KieBase;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.io.ResourceType;
import org.kie.api.runtime.StatelessKieSession;
import org.kie.internal.builder.KnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.io.ResourceFactory;

/**
 * The naive baseline: the same standard DRL, run the way Drools tutorials do it — compile the files with a
 * {@link KnowledgeBuilder} and default configuration, then per contact a new {@link StatelessKieSession} with
 * the global set and a listener to know which rule fires, {@code execute(contact)}. No batching, no pooled
 * session, no wake-ups (every contact is evaluated every time).
 *
 * <p>What a host must do around it to get Waymark's outputs is done as Waymark does it, so the actions compare
 * one for one: fold the due events first ({@link dev.waymark.core.Folding#advance}), drop messages without consent and
 * firings already in the ledger or already emitted, order the actions, apply the engine's own tag and stage
 * actions and record the ledger. The new state has no wake-up.
 *
 * <p>Which DRL it compiles is a {@link Rules} choice. {@link Rules#CURRENT} is the standard rules as the engine
 * ships them. {@link Rules#AS_FILED} is the same ten rules as they were at commit {@code 47c69bd}, when the
 * performance issue that set the target "bulk pass at 100k contacts at least 10 times faster than naive Drools"
 * was filed. Since then the standard DRL was rewritten for speed (fewer {@code from} nodes, alpha guards before
 * the remaining ones) without changing what it emits; a baseline that compiles the current files got faster with
 * it, and no longer stands for a tutorial-style use of Drools on the rules as they were written. The as-filed
 * copies ({@code dev/waymark/bench/as-filed/<id>.drl}) keep the target measured against what it was set
 * against; they compile against today's {@code RuleContext} and {@code Contact} unchanged.
 *
 * <p>Thread-safe: the knowledge base is shared, everything else is per call.
 */
public final class NaiveDrools {

    /** The {@code rulesetId} of the states this baseline returns. */
    public static final String RULESET_ID = "naive";

    private final KieBase kieBase;
    private final Settings settings;

    /** Which DRL files the baseline compiles: each is a classpath folder holding {@code <id>.drl} per standard rule. */
    public enum Rules {
        /** The standard rules the engine ships ({@code dev/waymark/rules/}). */
        CURRENT("dev/waymark/rules/"),
        /**
         * The standard rules as of commit {@code 47c69bd}, when the performance issue was filed
         * ({@code dev/waymark/bench/as-filed/}): a benchmark baseline only, not kept in step with the engine's rules.
         */
        AS_FILED("dev/waymark/bench/as-filed/");

        private final String folder;

        Rules(String folder) {
            this.folder = folder;
        }

        /** The classpath resource of the rule {@code id}. */
        public String resource(String id) {
            return folder + id + ".drl";
        }
    }

    /** Compiles the enabled standard rules as the engine ships them ({@link Rules#CURRENT}). */
    public NaiveDrools(Settings settings) {
        this(settings, Rules.CURRENT);
    }

    /**
     * Compiles the enabled standard rules from the classpath, {@code rules} saying which copy.
     *
     * @throws IllegalStateException if they do not compile
     */
    public NaiveDrools(Settings settings, Rules rules) {
        this.settings = settings;
        KnowledgeBuilder builder = KnowledgeBuilderFactory.newKnowledgeBuilder();
        for (String id : StandardRules.ids()) {
            if (settings.enabled(id)) {
                builder.add(ResourceFactory.newClassPathResource(rules.resource(id), NaiveDrools.class), ResourceType.DRL);
            }
        }
        if (builder.hasErrors()) {
            throw new IllegalStateException("the standard rules (" + rules + ") do not compile: " + builder.getErrors());
        }
        kieBase = builder.newKieBase();
    }

    /** Receives {@code events} into the state, then evaluates it. */
    public Evaluation evaluate(ContactState state, List<Event> events, Instant now) {
        return evaluate(state.withEvents(events), now);
    }

    /** Evaluates one contact at {@code now}, always (this baseline cannot know that nothing is due). */
    public Evaluation evaluate(ContactState state, Instant now) {
        ContactState advanced = Folding.advance(state, now);
        Contact contact = advanced.contact();
        Context context = new Context(settings, now);
        StatelessKieSession session = kieBase.newStatelessKieSession();
        session.setGlobal("waymark", context);
        session.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void beforeMatchFired(BeforeMatchFiredEvent event) {
                context.rule = event.getMatch().getRule().getName();
            }
        });
        session.execute(contact);

        List<Action> actions = new ArrayList<>();
        Set<String> emitted = new HashSet<>();
        for (Emission e : context.emissions) {
            Channel channel = Channel.ofMessageType(e.type());
            if (channel != null && !contact.consented(channel)) {
                continue;
            }
            if (contact.inLedger(e.rule(), e.type(), e.key()) || !emitted.add(e.rule() + '\n' + e.type() + '\n' + e.key())) {
                continue;
            }
            actions.add(Action.of(contact.id(), e.rule(), e.type(), e.key(), now, e.params()));
        }
        if (!actions.isEmpty()) {
            actions.sort(Action.OUTPUT_ORDER);
            contact = Folding.withOwnActions(contact, actions);
        }
        ContactState next = new ContactState(contact, advanced.pending(), advanced.seenEventIds(), null, now, RULESET_ID);
        return new Evaluation(next, actions, List.of(), false);
    }

    /**
     * The {@code waymark} global as a tutorial would write it: plain time checks, settings looked up on every
     * call, emissions collected in a list. Due times are not recorded (there are no wake-ups).
     */
    private static final class Context implements RuleContext {
        private final Settings settings;
        private final Instant now;
        private final List<Emission> emissions = new ArrayList<>();
        private String rule;

        Context(Settings settings, Instant now) {
            this.settings = settings;
            this.now = now;
        }

        @Override
        public Instant now() {
            return now;
        }

        @Override
        public boolean due(Contact contact, Instant at) {
            return at != null && !now.isBefore(at);
        }

        @Override
        public boolean due(Contact contact, Instant from, Duration delay) {
            return from != null && due(contact, from.plus(delay));
        }

        @Override
        public boolean dueAfter(Contact contact, Instant at) {
            return at != null && now.isAfter(at);
        }

        @Override
        public boolean before(Instant at) {
            return at != null && now.isBefore(at);
        }

        @Override
        public List<Step> steps(String rule, String param) {
            List<Duration> delays = settings.durations(rule, param);
            List<Step> steps = new ArrayList<>(delays.size());
            for (int i = 0; i < delays.size(); i++) {
                steps.add(new Step(i + 1, delays.get(i)));
            }
            return steps;
        }

        @Override
        public long daysSince(Instant at) {
            return Duration.between(at, now).toDays();
        }

        @Override
        public Duration duration(String rule, String param) {
            return settings.duration(rule, param);
        }

        @Override
        public List<Duration> durations(String rule, String param) {
            return settings.durations(rule, param);
        }

        @Override
        public int integer(String rule, String param) {
            return settings.integer(rule, param);
        }

        @Override
        public double number(String rule, String param) {
            return settings.number(rule, param);
        }

        @Override
        public Stage stage(Contact contact) {
            return Stages.compute(contact, now, settings.duration(StandardRules.STAGE_PROGRESSION, "lapseDays"), at -> {
            });
        }

        @Override
        public void emit(Contact contact, String type, String key) {
            emit(contact, type, key, Map.of());
        }

        @Override
        public void emit(Contact contact, String type, String key, Map<String, ?> params) {
            emissions.add(new Emission(rule, type, key, params == null ? Map.of() : params));
        }
    }
}

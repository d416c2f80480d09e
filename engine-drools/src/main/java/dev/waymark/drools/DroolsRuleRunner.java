package dev.waymark.drools;

import dev.waymark.Contact;
import dev.waymark.Evaluation.RuleFailure;
import dev.waymark.Settings;
import dev.waymark.core.Emissions;
import dev.waymark.core.RuleRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
import org.drools.kiesession.session.StatefulKnowledgeSessionImpl;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires a compiled ruleset for a batch of contacts in one {@code fireAllRules} on a pooled session. Each
 * contact is one {@link Contact} fact and rules need no joins, so batching is cheap. Thread-safe: a
 * session is used by one thread at a time and returned to the pool after.
 *
 * <p>A consequence that throws is caught by {@link FailureHandler} and fails only its contact. An error
 * outside a consequence (say, in a condition), a {@link StackOverflowError}, a batch over the firing budget or
 * a rule the watchdog had to interrupt aborts the whole {@code fireAllRules}; the session is then discarded
 * (its working memory may hold half a batch) and the batch run again one contact at a time, so only the
 * contact that causes it fails, naming the rule.
 *
 * <p><b>Budgets.</b> A batch may take at most {@code firingBudget} firings, counted by Drools itself
 * ({@code fireAllRules(filter, max)}); a batch of one contact over it is that contact's failure. The
 * {@link Watchdog} watches every batch for a firing that does not return within the time limit.
 */
final class DroolsRuleRunner implements RuleRunner {

    private static final Logger LOG = LoggerFactory.getLogger(DroolsRuleRunner.class);
    private static final Pattern RULE_NAME = Pattern.compile("[Rr]ule[ :]*\\[?(?:name=)?\"?([^\",\\]]+)\"?");

    /** Batches of at least this many contacts are cleared by a session reset rather than fact by fact. */
    static final int RESET_FROM = 8;

    private final InternalKnowledgeBase kieBase;
    private final Settings settings;
    private final int firingBudget;
    private final int resetFrom;
    private final Watchdog watchdog;
    private final String limitText;
    private final ConcurrentLinkedQueue<PooledSession> pool = new ConcurrentLinkedQueue<>();

    private record PooledSession(KieSession session, DroolsRuleContext context) {
    }

    /**
     * A batch that did not complete: why, and the rule that last started firing (null when none had).
     * Package-private: it never leaves {@link #fire}.
     */
    private static final class BatchFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String rule;
        final String reason;

        BatchFailed(String rule, String reason, Throwable cause) {
            super(reason, cause, false, false);
            this.rule = rule;
            this.reason = reason;
        }
    }

    DroolsRuleRunner(InternalKnowledgeBase kieBase, Settings settings, int firingBudget, Duration timeLimit, int resetFrom) {
        this.kieBase = kieBase;
        this.resetFrom = resetFrom;
        this.settings = settings;
        this.firingBudget = firingBudget;
        this.watchdog = new Watchdog(timeLimit);
        this.limitText = Watchdog.text(timeLimit);
    }

    @Override
    public RuntimeException lost(Thread worker) {
        return watchdog.lost(worker);
    }

    @Override
    public void fire(List<Contact> contacts, Instant now, Emissions out) {
        int[] all = new int[contacts.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        try {
            fireOnce(contacts, all, now, out);
        } catch (BatchFailed batchError) {
            for (int i = 0; i < contacts.size(); i++) {
                out.clear(i);
            }
            if (contacts.size() == 1) {
                out.fail(0, failure(contacts.get(0), batchError));
                return;
            }
            LOG.debug("a batch of {} contacts failed outside a consequence; isolating the contact", contacts.size(), batchError);
            for (int i = 0; i < contacts.size(); i++) {
                try {
                    fireOnce(List.of(contacts.get(i)), new int[] {i}, now, out);
                } catch (BatchFailed single) {
                    out.clear(i);
                    out.fail(i, failure(contacts.get(i), single));
                }
            }
        }
    }

    /**
     * Fires one batch on a pooled session.
     *
     * @throws BatchFailed when the batch did not complete (the session is then discarded)
     * @throws Waymark.RunawayRuleException when the watchdog had given this thread up and the rule returned after all
     */
    private void fireOnce(List<Contact> contacts, int[] outIndex, Instant now, Emissions out) {
        PooledSession s = pool.poll();
        if (s == null) {
            s = newSession();
        }
        DroolsRuleContext ctx = s.context();
        FactHandle[] handles = new FactHandle[contacts.size()];
        boolean healthy = false;
        BatchFailed failed = null;
        long watch;
        String lastRule;
        ctx.begin(contacts, outIndex, now, out);
        ctx.watchStart();
        watchdog.batchStarted();
        try {
            for (int i = 0; i < handles.length; i++) {
                handles[i] = s.session().insert(contacts.get(i));
            }
            // the context learns each rule just before it fires; Drools stops after firingBudget + 1 firings
            int fired = s.session().fireAllRules(ctx, firingBudget + 1);
            if (fired > firingBudget) {
                failed = new BatchFailed(ctx.currentRule(), "more than " + firingBudget + " rule firings in one evaluation, "
                        + "stopped (a rule that keeps re-activating itself, such as one that updates its own fact?)", null);
            } else {
                clear(s, handles);
                healthy = true;
            }
        } catch (RuntimeException | StackOverflowError e) {
            // A StackOverflowError has unwound by now; the session it ran in may be half way through anything.
            failed = new BatchFailed(ctx.currentRule(), describe(e), e);
        } finally {
            watch = ctx.watchEnd();
            lastRule = ctx.currentRule();
            ctx.end();
            if (healthy && watch == DroolsRuleContext.IDLE) {
                pool.offer(s);
            } else {
                discard(s);
            }
        }
        if (watch == DroolsRuleContext.ABANDONED) {
            Waymark.RunawayRuleException runaway = watchdog.returned(Thread.currentThread());
            if (runaway != null) {
                throw runaway; // the pass was told already; a caller on this thread learns it now
            }
        }
        if (watch != DroolsRuleContext.IDLE) {
            throw new BatchFailed(ctx.stuckRule() != null ? ctx.stuckRule() : lastRule, "did not return within " + limitText + " and was interrupted", failed);
        }
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * Empties the session's working memory for the next batch. Deleting a fact retracts it through the network
     * one by one; a reset drops every node memory at once and costs about as much as two deletes, so a batch of
     * a few contacts deletes them and a larger one resets (measured in BENCHMARKS.md, issue 17). A reset also
     * clears the globals, so the context is set again.
     */
    private void clear(PooledSession s, FactHandle[] handles) {
        if (handles.length < resetFrom) {
            for (FactHandle h : handles) {
                s.session().delete(h);
            }
            return;
        }
        ((StatefulKnowledgeSessionImpl) s.session()).reset();
        s.session().setGlobal(RulesetCompiler.GLOBAL, s.context());
    }

    private void discard(PooledSession s) {
        watchdog.unregister(s.context());
        try {
            s.session().dispose();
        } catch (RuntimeException | StackOverflowError e) {
            LOG.debug("disposing a failed session failed too", e);
        }
    }

    private PooledSession newSession() {
        KieSession session = kieBase.newKieSession();
        DroolsRuleContext context = new DroolsRuleContext(settings);
        session.setGlobal(RulesetCompiler.GLOBAL, context);
        watchdog.register(context);
        return new PooledSession(session, context);
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof StackOverflowError) {
            return "StackOverflowError (a rule recursing without end)";
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static RuleFailure failure(Contact contact, BatchFailed e) {
        String rule = null;
        for (Throwable t = e.getCause(); t != null && rule == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !(t instanceof StackOverflowError)) {
                Matcher m = RULE_NAME.matcher(t.getMessage());
                if (m.find()) {
                    rule = m.group(1).strip();
                }
            }
        }
        if (rule == null) {
            rule = e.rule != null ? e.rule : "?";
        }
        return new RuleFailure(contact.id(), rule, e.reason);
    }
}

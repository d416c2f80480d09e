package dev.waymark.drools;

import dev.waymark.Contact;
import dev.waymark.Evaluation.RuleFailure;
import dev.waymark.Settings;
import dev.waymark.core.Emissions;
import dev.waymark.core.RuleRunner;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
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
 * outside a consequence (say, in a condition) aborts the whole {@code fireAllRules}; the batch is then run
 * again one contact at a time so only the contact that causes it fails.
 */
final class DroolsRuleRunner implements RuleRunner {

    private static final Logger LOG = LoggerFactory.getLogger(DroolsRuleRunner.class);
    private static final Pattern RULE_NAME = Pattern.compile("[Rr]ule[ :]*\\[?(?:name=)?\"?([^\",\\]]+)\"?");

    private final InternalKnowledgeBase kieBase;
    private final Settings settings;
    private final ConcurrentLinkedQueue<PooledSession> pool = new ConcurrentLinkedQueue<>();

    private record PooledSession(KieSession session, DroolsRuleContext context) {
    }

    public DroolsRuleRunner(InternalKnowledgeBase kieBase, Settings settings) {
        this.kieBase = kieBase;
        this.settings = settings;
    }

    @Override
    public void fire(List<Contact> contacts, Instant now, Emissions out) {
        int[] all = new int[contacts.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        try {
            fireOnce(contacts, all, now, out);
        } catch (RuntimeException batchError) {
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
                } catch (RuntimeException single) {
                    out.clear(i);
                    out.fail(i, failure(contacts.get(i), single));
                }
            }
        }
    }

    private void fireOnce(List<Contact> contacts, int[] outIndex, Instant now, Emissions out) {
        PooledSession s = pool.poll();
        if (s == null) {
            s = newSession();
        }
        FactHandle[] handles = new FactHandle[contacts.size()];
        boolean healthy = false;
        try {
            s.context().begin(contacts, outIndex, now, out);
            for (int i = 0; i < handles.length; i++) {
                handles[i] = s.session().insert(contacts.get(i));
            }
            s.session().fireAllRules(s.context()); // the context learns each rule just before it fires
            for (FactHandle h : handles) {
                s.session().delete(h);
            }
            healthy = true;
        } finally {
            s.context().end();
            if (healthy) {
                pool.offer(s);
            } else {
                s.session().dispose(); // its working memory may hold half a batch
            }
        }
    }

    private PooledSession newSession() {
        KieSession session = kieBase.newKieSession();
        DroolsRuleContext context = new DroolsRuleContext(settings);
        session.setGlobal(RulesetCompiler.GLOBAL, context);
        return new PooledSession(session, context);
    }

    private static RuleFailure failure(Contact contact, RuntimeException e) {
        String rule = "?";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                Matcher m = RULE_NAME.matcher(t.getMessage());
                if (m.find()) {
                    rule = m.group(1).strip();
                    break;
                }
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new RuleFailure(contact.id(), rule, root.getClass().getSimpleName() + ": " + root.getMessage());
    }
}

package dev.waymark.drools.internal;

import dev.waymark.Contact;
import org.kie.api.runtime.KieRuntime;
import org.kie.api.runtime.rule.ConsequenceExceptionHandler;
import org.kie.api.runtime.rule.Match;
import org.kie.api.runtime.rule.RuleRuntime;

/**
 * Catches an exception thrown by a rule's consequence and records it against the contact the rule
 * matched, so the other contacts of the batch go on. Drools instantiates it by class name.
 */
public final class FailureHandler implements ConsequenceExceptionHandler {

    /** The name of the session global that holds the batch's {@link ContactFailures} (the rules' {@code waymark}). */
    public static final String GLOBAL = "waymark";

    @Override
    public void handleException(Match match, RuleRuntime runtime, Exception error) {
        ContactFailures ctx = (ContactFailures) ((KieRuntime) runtime).getGlobal(GLOBAL);
        Contact contact = null;
        for (Object o : match.getObjects()) {
            if (o instanceof Contact c) {
                contact = c;
                break;
            }
        }
        ctx.fail(contact, match.getRule().getName(), error);
    }
}

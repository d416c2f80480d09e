package dev.waymark.drools.internal;

import dev.waymark.Contact;

/**
 * Where {@link FailureHandler} records a rule that threw: the rule context of the batch, held in the
 * session's global named {@link FailureHandler#GLOBAL}. Implemented by the engine, not by hosts.
 */
public interface ContactFailures {

    /** Records that {@code rule} threw {@code error} for {@code contact} ({@code null} when the match held none). */
    void fail(Contact contact, String rule, Throwable error);
}

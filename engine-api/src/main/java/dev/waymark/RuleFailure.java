package dev.waymark;

import java.util.Objects;

/**
 * A rule that threw while being evaluated for one contact. The contact's evaluation is rolled back (its
 * state stays as it was, so its events are retried next time); every other contact goes on.
 *
 * @param contactId the contact
 * @param rule      the rule id, or {@code "?"} when Drools could not say which rule
 * @param message   the exception's type and message
 */
public record RuleFailure(String contactId, String rule, String message) {
    public RuleFailure {
        Objects.requireNonNull(contactId, "contactId");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return "contact " + contactId + ", rule " + rule + ": " + message;
    }
}

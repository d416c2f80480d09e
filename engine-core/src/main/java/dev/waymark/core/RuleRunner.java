package dev.waymark.core;

import dev.waymark.Contact;
import java.time.Instant;
import java.util.List;

/**
 * What an engine implementation provides to {@link Evaluator}: fire a ruleset for a batch of contacts at
 * one instant. Everything around it (folding, dedup, consent, ledger, wake-ups) is the evaluator's, so
 * every runner behaves the same way. Implementations must be thread-safe.
 */
public interface RuleRunner {

    /**
     * Fires the rules for each contact at {@code now}, reporting emissions, declared due times and failures
     * into {@code out} by the contact's index in {@code contacts}.
     */
    void fire(List<Contact> contacts, Instant now, Emissions out);
}

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

    /**
     * Why {@code worker}, a thread inside {@link #fire}, will not return: a rule that ran past the runner's
     * time limit and ignored interruption, so its thread is lost; null while it may still return (always, for
     * a runner without a watchdog). A pass that waits for a batch on another thread asks this now and then and
     * ends with the exception. Must be cheap and thread-safe.
     */
    default RuntimeException lost(Thread worker) {
        return null;
    }
}

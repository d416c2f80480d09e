package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Contact.LedgerEntry;

/**
 * What an evaluation's steps drop or hold back, told to whoever watches: nobody when running ({@link #NONE}),
 * the explainer when explaining one contact. The steps call it; it never changes what they do, so an
 * explanation cannot disagree with a run.
 */
interface Trace {

    /** Watches nothing: the run's trace. */
    Trace NONE = new Trace() {
    };

    /** Admit: a firing dropped because the ledger holds it (or the holdout record that stood in for it). */
    default void inLedger(Emissions.Emission firing, LedgerEntry entry) {
    }

    /** Deliver, first step: a message dropped because its channel has no consent granted. */
    default void noConsent(Action message) {
    }

    /** Deliver: a message a policy withheld, and which policy (for example {@code quietHours}). */
    default void withheld(Action message, String policy) {
    }

    /** Journeys: what each journey did for the contact, by journey id (after any withheld send held its run). */
    default void journeys(java.util.Map<String, JourneyAdvance.Result> results) {
    }
}

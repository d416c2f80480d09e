package dev.waymark.examples.host;

import dev.waymark.Action;

/**
 * Where a host hands the engine's actions: a mailer, an SMS gateway, a CRM, a queue. Called once per
 * action, in the output order of docs/events-and-actions.md, on the host's scheduler thread.
 */
@FunctionalInterface
public interface ActionSink {
    /** Carries out (or hands on) one action. Actions have stable ids, so a retried delivery can be deduplicated. */
    void deliver(Action action);
}

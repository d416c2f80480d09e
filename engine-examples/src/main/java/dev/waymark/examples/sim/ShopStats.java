package dev.waymark.examples.sim;

import dev.waymark.Action;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running counts of a simulated shop, filled in by {@link Shop} as things happen. Sorted maps, so a
 * report built from them lists things in the same order every time. Mutable; confined to the simulation's
 * thread.
 */
final class ShopStats {

    /** What became of one rule's messages. */
    static final class Messages {
        /** Messages sent. */
        long sent;
        /** Messages opened. */
        long opened;
        /** Messages followed by an order of their contact within the conversion window, each message once. */
        long converted;
        /** Amount of the orders within the window after a message of the rule, each order once per rule. */
        double revenue;
    }

    /** Events emitted, by type. */
    final Map<String, Long> events = new TreeMap<>();
    /** Of those, the history of the customers from before the start (dated before it), by type. */
    final Map<String, Long> historyEvents = new TreeMap<>();
    /** Engine actions received, by rule, then type. */
    final Map<String, Map<String, Long>> actions = new TreeMap<>();
    /** Messages, by rule. */
    final Map<String, Messages> messages = new TreeMap<>();
    /** Visits (sessions) during the run. */
    long visits;
    /** Orders placed during the run (the history's orders, before the start, are not counted). */
    long orders;
    /** Their total amount. */
    double revenue;
    /** Carts left untouched for the abandoned-cart delay. */
    long cartsAbandoned;
    /** Abandoned carts that got an abandoned-cart reminder. */
    long cartsReminded;
    /** Abandoned carts bought after a reminder. */
    long recoveredAfterReminder;
    /** Abandoned carts bought without a reminder. */
    long recoveredWithoutReminder;
    /** Contacts whose first order ever was placed during the run. */
    long firstPurchases;
    /** Of those, contacts who ordered a second time during the run. */
    long secondPurchases;
    /** Newsletter opens. */
    long newsletterOpens;

    void count(Action a) {
        actions.computeIfAbsent(a.rule(), r -> new TreeMap<>()).merge(a.type(), 1L, Long::sum);
    }

    Messages message(String rule) {
        return messages.computeIfAbsent(rule, r -> new Messages());
    }
}

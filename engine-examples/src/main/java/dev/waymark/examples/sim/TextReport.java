package dev.waymark.examples.sim;

import dev.waymark.examples.report.ConversionText;
import dev.waymark.examples.sim.SimulationReport.ActionCount;
import dev.waymark.examples.sim.SimulationReport.Carts;
import dev.waymark.examples.sim.SimulationReport.MessageOutcome;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link SimulationReport} as plain text for a terminal: the funnel by stage, actions per rule
 * and type, message outcomes, the engine's conversion report (as {@code waymark report} prints it), cart
 * recovery and repeat purchase. Pure: the same report gives the same
 * text, with numbers formatted in {@link Locale#ROOT} whatever the machine's locale.
 */
public final class TextReport {
    private TextReport() {
    }

    private static final int BAR = 30;

    /** The report as text, lines ending in {@code \n}. */
    public static String render(SimulationReport r) {
        StringBuilder sb = new StringBuilder();
        line(sb, "Waymark shop simulation");
        line(sb, "=======================");
        line(sb, "seed %d, %d contacts, %d days: %s to %s, rules evaluated every simulated hour", r.seed(), r.contacts(),
                r.days(), r.start(), r.end());
        line(sb, "rules (%d): %s", r.rules().size(), String.join(", ", r.rules()));
        line(sb, "");
        long historyOrders = r.historyEvents().getOrDefault("order.placed", 0L);
        line(sb, "Shop (during the run)");
        line(sb, "  %-44s %10s", "visits (shopping sessions)", num(r.visits()));
        line(sb, "  %-44s %10s", "orders placed during the run", num(r.orders()));
        line(sb, "  %-44s %10s", "revenue of those orders", money(r.revenue()));
        line(sb, "");
        line(sb, "Engine");
        line(sb, "  %-44s %10s", "events fed: history from before the start", num(total(r.historyEvents())));
        line(sb, "  %-44s %10s", "events fed: during the run", num(total(r.runEvents())));
        line(sb, "  %-44s %10s", "events fed in all", num(r.totalEvents()));
        line(sb, "  %-44s %10s", "contact evaluations (contacts due, hourly)", num(r.evaluations()));
        line(sb, "  %-44s %10s", "actions emitted", num(r.totalActions()));
        line(sb, "  %-44s %10s", "rule failures", num(r.ruleFailures()));
        for (String note : historyNote(r, historyOrders)) {
            line(sb, "  %s", note);
        }
        line(sb, "");

        line(sb, "Contacts per stage (at the end)");
        long maxStage = r.stages().values().stream().mapToLong(Long::longValue).max().orElse(0);
        for (Map.Entry<String, Long> e : r.stages().entrySet()) {
            line(sb, "  %-16s %8s %6s  %s", e.getKey(), num(e.getValue()), pct(e.getValue(), r.contacts()),
                    bar(e.getValue(), maxStage));
        }
        line(sb, "");

        line(sb, "Actions per rule and type (actions the engine emitted)");
        line(sb, "  %-22s %-16s %8s", "rule", "type", "actions");
        for (ActionCount a : r.actions()) {
            line(sb, "  %-22s %-16s %8s", a.rule(), a.type(), num(a.count()));
        }
        line(sb, "  %-22s %-16s %8s", "total", "", num(r.totalActions()));
        line(sb, "");

        line(sb, "Messages (per message, as the shop saw them)");
        line(sb, "  %-22s %8s %8s %10s %8s %12s", "rule", "sent", "opened", "converted", "rate", "revenue");
        for (MessageOutcome m : r.messages()) {
            line(sb, "  %-22s %8s %8s %10s %8s %12s", m.rule(), num(m.sent()), num(m.opened()), num(m.converted()),
                    pct(m.converted(), m.sent()), money(m.revenue()));
        }
        for (String note : messagesNote(r)) {
            line(sb, "  %s", note);
        }
        line(sb, "");

        // The engine's own measure: per contact, by rule and experiment arm, from the final states.
        line(sb, "Conversion (per contact, as the engine and waymark report count it)");
        for (String l : ConversionText.lines(r.conversion())) {
            line(sb, "  %s", l);
        }
        for (String note : conversionNote(r)) {
            line(sb, "  %s", note);
        }
        line(sb, "");

        Carts c = r.carts();
        long notReminded = c.abandoned() - c.reminded();
        line(sb, "Abandoned carts");
        line(sb, "  %-34s %8s", "abandoned (untouched for the delay)", num(c.abandoned()));
        line(sb, "  %-34s %8s  %s of abandoned", "reminded by abandoned-cart", num(c.reminded()), pct(c.reminded(), c.abandoned()));
        line(sb, "  %-34s %8s  %s of reminded", "recovered after a reminder", num(c.recoveredAfterReminder()),
                pct(c.recoveredAfterReminder(), c.reminded()));
        line(sb, "  %-34s %8s  %s of the %s not reminded", "recovered without a reminder", num(c.recoveredWithout()),
                pct(c.recoveredWithout(), notReminded), num(notReminded));
        line(sb, "");

        line(sb, "First to second purchase");
        line(sb, "  %-34s %8s", "contacts with a first purchase", num(r.firstPurchases()));
        line(sb, "  %-34s %8s  %s", "... who bought a second time", num(r.secondPurchases()),
                pct(r.secondPurchases(), r.firstPurchases()));
        line(sb, "");

        line(sb, "Events fed, by type");
        line(sb, "  %-24s %10s %10s %10s", "type", "history", "run", "all");
        Map<String, Long> run = r.runEvents();
        for (Map.Entry<String, Long> e : r.events().entrySet()) {
            line(sb, "  %-24s %10s %10s %10s", e.getKey(), num(r.historyEvents().getOrDefault(e.getKey(), 0L)),
                    num(run.get(e.getKey())), num(e.getValue()));
        }
        line(sb, "  (history: the returning customers' sign-ups, visits and orders from before %s, fed when the", r.start());
        line(sb, "  engine is switched on; run: what the shop did during the run)");
        return sb.toString();
    }

    /** Why "orders" and "order.placed" in the events fed differ: the history's orders. */
    static java.util.List<String> historyNote(SimulationReport r, long historyOrders) {
        return java.util.List.of(
                "The " + num(r.events().getOrDefault("order.placed", 0L)) + " order.placed events fed are the "
                        + num(r.orders()) + " orders of the run plus " + num(historyOrders) + " from the returning",
                "customers' history before the start, which the engine reads as their past purchases.");
    }

    /** What the Messages table counts, and how it relates to the Conversion table. */
    static java.util.List<String> messagesNote(SimulationReport r) {
        String window = hours(r);
        java.util.List<String> note = new java.util.ArrayList<>(java.util.List.of(
                "sent: the rule's email.send and sms.send actions, as many as Conversion's actions (holdouts aside).",
                "converted: messages followed by an order within " + window + ", each message once; one order",
                "converts every message of the rule in the " + window + " before it. revenue: the orders within " + window,
                "after a message of the rule, each order once per rule, as in Conversion."));
        if (!r.conversion().goal().event().equals("order.placed")) {
            note.add("The settings' goal is " + r.conversion().goal().event() + ", not order.placed: Conversion counts"
                    + " that event, Messages counts orders.");
        }
        return note;
    }

    /** What the Conversion table counts: contacts, so its converted is at most Messages'. */
    static java.util.List<String> conversionNote(SimulationReport r) {
        return java.util.List.of(
                "reached: contacts that got at least one of the rule's messages (or holdout records, not sent);",
                "converted: those with a goal event within " + hours(r) + " after one. A contact converted by two",
                "messages counts once here and twice in Messages, so these converted are at most Messages'.");
    }

    private static String hours(SimulationReport r) {
        java.time.Duration w = r.conversion().goal().window();
        return w.toMinutes() % 60 == 0 ? w.toHours() + " h" : w.toMinutes() + " min";
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String money(double amount) {
        return String.format(Locale.ROOT, "%,.2f", amount);
    }

    static String pct(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static String bar(long value, long max) {
        int n = max == 0 ? 0 : (int) Math.round((double) BAR * value / max);
        return "#".repeat(n);
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        sb.append(text.stripTrailing()).append('\n');
    }
}

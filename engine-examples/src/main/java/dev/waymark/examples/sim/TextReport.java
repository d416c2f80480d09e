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
        line(sb, "Shop");
        line(sb, "  %-34s %10s", "visits", num(r.visits()));
        line(sb, "  %-34s %10s", "orders", num(r.orders()));
        line(sb, "  %-34s %10s", "revenue", money(r.revenue()));
        line(sb, "  %-34s %10s", "events fed to the engine", num(r.totalEvents()));
        line(sb, "  %-34s %10s", "contact evaluations", num(r.evaluations()));
        line(sb, "  %-34s %10s", "actions", num(r.totalActions()));
        line(sb, "  %-34s %10s", "rule failures", num(r.ruleFailures()));
        line(sb, "");

        line(sb, "Contacts per stage (at the end)");
        long maxStage = r.stages().values().stream().mapToLong(Long::longValue).max().orElse(0);
        for (Map.Entry<String, Long> e : r.stages().entrySet()) {
            line(sb, "  %-16s %8s %6s  %s", e.getKey(), num(e.getValue()), pct(e.getValue(), r.contacts()),
                    bar(e.getValue(), maxStage));
        }
        line(sb, "");

        line(sb, "Actions per rule and type");
        line(sb, "  %-22s %-16s %8s", "rule", "type", "count");
        for (ActionCount a : r.actions()) {
            line(sb, "  %-22s %-16s %8s", a.rule(), a.type(), num(a.count()));
        }
        line(sb, "  %-22s %-16s %8s", "total", "", num(r.totalActions()));
        line(sb, "");

        line(sb, "Messages (converted: the contact ordered within 72 h)");
        line(sb, "  %-22s %8s %8s %10s %8s %12s", "rule", "sent", "opened", "converted", "rate", "revenue");
        for (MessageOutcome m : r.messages()) {
            line(sb, "  %-22s %8s %8s %10s %8s %12s", m.rule(), num(m.sent()), num(m.opened()), num(m.converted()),
                    pct(m.converted(), m.sent()), money(m.revenue()));
        }
        line(sb, "");

        // The engine's own measure (docs/settings-and-policies.md): per contact, by rule and experiment arm, from the final states.
        line(sb, "Conversion (as the engine counts it: contacts reached and converted, per rule and arm)");
        for (String l : ConversionText.lines(r.conversion())) {
            line(sb, "  %s", l);
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
        for (Map.Entry<String, Long> e : r.events().entrySet()) {
            line(sb, "  %-24s %10s", e.getKey(), num(e.getValue()));
        }
        return sb.toString();
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

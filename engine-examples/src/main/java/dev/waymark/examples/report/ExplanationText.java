package dev.waymark.examples.report;

import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.Cart;
import dev.waymark.Contact.LedgerEntry;
import dev.waymark.Explanation;
import dev.waymark.Explanation.Finding;
import dev.waymark.Explanation.Outcome;
import dev.waymark.Explanation.RuleVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An {@link Explanation} as text for a person: the contact's key facts, its ledger (newest last), the stored
 * wake-up and the one evaluating at {@code now} would store, then one line per rule with its headline
 * outcome ({@code fires}, {@code not due}, {@code withheld}, ...) and arm, each finding's detail indented
 * below. Pure, formatted in {@link Locale#ROOT}.
 */
public final class ExplanationText {
    private ExplanationText() {
    }

    /** The newest ledger entries shown; older ones are counted. A years-old regular has hundreds. */
    public static final int LEDGER_SHOWN = 20;

    private static final String FACT = "  %-17s%s";

    /** The explanation as text, lines ending in {@code \n}. */
    public static String render(Explanation x) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines(x)) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /** The explanation's lines, without line ends or trailing spaces. */
    public static List<String> lines(Explanation x) {
        List<String> out = new ArrayList<>();
        Contact c = x.contact();
        out.add("contact " + c.id() + " at " + x.now() + " (an explanation: nothing was changed)");
        fact(out, "stage", c.stage() == null ? "none" : c.stage().id());
        fact(out, "consents", consents(c));
        fact(out, "tags", c.tags().isEmpty() ? "none" : String.join(", ", c.tags()));
        fact(out, "attributes", c.attributes().isEmpty() ? "none" : c.attributes().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        fact(out, "seen", c.seen() ? c.firstSeen() + " to " + c.lastSeen() : "never");
        fact(out, "orders", c.orderCount() == 0 ? "none" : c.orderCount() + ", total spent "
                + ConversionText.revenue(c.totalSpent()) + ", last order " + c.lastOrderAt());
        if (c.openCarts().isEmpty()) {
            fact(out, "open carts", "none");
        }
        for (int i = 0; i < c.openCarts().size(); i++) {
            Cart cart = c.openCarts().get(i);
            fact(out, i == 0 ? "open carts" : "", cart.id() + ": " + cart.itemCount() + (cart.itemCount() == 1 ? " item, " : " items, ")
                    + ConversionText.revenue(cart.value()) + ", last activity " + cart.lastActivity());
        }
        fact(out, "unopened streak", c.unopenedStreak() + (c.lastEngagementAt() == null ? " (never engaged)"
                : " (last engaged " + c.lastEngagementAt() + ")"));

        out.add("");
        ledger(out, c.ledger());

        out.add("");
        out.add("wake-up");
        fact(out, "stored", orNone(x.storedWakeUp()));
        fact(out, "after now", orNone(x.nextWakeUp()));

        out.add("");
        int n = x.actions().size();
        out.add("rules (" + x.rules().size() + "): " + (n == 0 ? "nothing would go out now"
                : n + (n == 1 ? " action would go out now" : " actions would go out now")));
        int width = x.rules().stream().mapToInt(r -> r.rule().length()).max().orElse(0);
        int outcomeWidth = Arrays.stream(Outcome.values()).mapToInt(o -> words(o).length()).max().orElse(0);
        for (RuleVerdict v : x.rules()) {
            String head = String.format(Locale.ROOT, "  %-" + width + "s  %-" + outcomeWidth + "s  %s", v.rule(),
                    words(v.outcome()), v.arm() == null ? "" : "arm " + v.arm());
            out.add(head.stripTrailing());
            for (Finding f : v.findings()) {
                out.add("      " + f.detail());
            }
        }
        if (!x.journeys().isEmpty()) {
            out.add("");
            out.add("journeys (" + x.journeys().size() + ")");
            int jw = x.journeys().stream().mapToInt(j -> j.journey().length()).max().orElse(0);
            for (Explanation.JourneyVerdict j : x.journeys()) {
                out.add(String.format(Locale.ROOT, "  %-" + jw + "s  %s", j.journey(),
                        j.in() ? "in it, at " + j.step() : "not in it").stripTrailing());
                out.add("      " + j.detail());
                for (Finding f : j.findings()) {
                    out.add("      " + words(f.outcome()) + ": " + f.detail());
                }
            }
        }
        return out;
    }

    /** An outcome in lowercase words: {@code not due}, {@code in ledger}. */
    public static String words(Outcome o) {
        return o.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static void ledger(List<String> out, List<LedgerEntry> ledger) {
        if (ledger.isEmpty()) {
            out.add("ledger: empty (no action was emitted to this contact yet)");
            return;
        }
        // Stable by time, so "newest last" holds however the entries were recorded.
        List<LedgerEntry> byTime = new ArrayList<>(ledger);
        byTime.sort(Comparator.comparing(LedgerEntry::at));
        int hidden = Math.max(0, byTime.size() - LEDGER_SHOWN);
        out.add("ledger: " + byTime.size() + (byTime.size() == 1 ? " entry" : " entries") + ", newest last"
                + (hidden == 0 ? "" : " (the " + hidden + " oldest not shown)"));
        List<LedgerEntry> shown = byTime.subList(hidden, byTime.size());
        int rule = Math.max("rule".length(), shown.stream().mapToInt(e -> e.rule().length()).max().orElse(0));
        int type = Math.max("type".length(), shown.stream().mapToInt(e -> e.type().length()).max().orElse(0));
        String format = "  %-20s  %-" + rule + "s  %-" + type + "s  %s";
        out.add(String.format(Locale.ROOT, format, "at", "rule", "type", "key").stripTrailing());
        for (LedgerEntry e : shown) {
            out.add(String.format(Locale.ROOT, format, e.at(), e.rule(), e.type(), e.key()).stripTrailing());
        }
    }

    private static String consents(Contact c) {
        List<String> parts = new ArrayList<>();
        for (Channel ch : Channel.values()) {
            Contact.ChannelConsent cc = c.consents().get(ch);
            parts.add(ch.id() + " " + c.consent(ch).name().toLowerCase(Locale.ROOT)
                    + (cc == null ? "" : " since " + cc.changedAt()));
        }
        return String.join(", ", parts);
    }

    private static String orNone(Instant t) {
        return t == null ? "none" : t.toString();
    }

    private static void fact(List<String> out, String name, String value) {
        out.add(String.format(Locale.ROOT, FACT, name, value).stripTrailing());
    }
}

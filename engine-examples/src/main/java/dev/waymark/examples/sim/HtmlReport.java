package dev.waymark.examples.sim;

import dev.waymark.ConversionReport;
import dev.waymark.ConversionReport.Row;
import dev.waymark.Settings.Policies;
import dev.waymark.examples.report.ConversionText;
import dev.waymark.examples.sim.SimulationReport.ActionCount;
import dev.waymark.examples.sim.SimulationReport.Carts;
import dev.waymark.examples.sim.SimulationReport.MessageOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link SimulationReport} as one self-contained HTML page: the same numbers as
 * {@link TextReport}, with the charts drawn as inline SVG (the conversion rates per rule and arm with the
 * holdout set apart and each variant's lift interval). No script, no external style sheet, font or
 * image: the file can be mailed or opened offline. Pure: the same report gives the same bytes.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    private static final String[] PALETTE = {"#3b6ea8", "#e07b39", "#4f9d69", "#b5485d", "#7a5ea8", "#c9a227", "#3a9ca6", "#8c8c8c"};

    /** One bar of a chart. */
    private record Bar(String label, long value, String note) {
    }

    /** The report as an HTML page. */
    public static String render(SimulationReport r) {
        StringBuilder h = new StringBuilder(32_000);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Waymark shop simulation, seed ").append(r.seed()).append("</title>\n")
                .append("<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}\n")
                .append("h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}\n")
                .append(".meta{color:#666;margin-top:0}.kpis{display:flex;flex-wrap:wrap;gap:.8rem;margin:1.2rem 0}\n")
                .append(".kpi{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:8rem}.kpi b{display:block;font-size:1.3rem}\n")
                .append(".kpi span{color:#666;font-size:.85rem}table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}\n")
                .append("th,td{padding:.25rem .7rem;text-align:right;border-bottom:1px solid #eee}th:first-child,td:first-child,.l{text-align:left}\n")
                .append("th{background:#f6f6f6}svg text{font-family:inherit;font-size:12px;fill:#222}\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>Waymark shop simulation</h1>\n<p class=\"meta\">seed ").append(r.seed()).append(", ")
                .append(TextReport.num(r.contacts())).append(" contacts, ").append(r.days()).append(" days: ")
                .append(esc(r.start().toString())).append(" to ").append(esc(r.end().toString()))
                .append(", rules evaluated every simulated hour</p>\n");
        h.append("<p class=\"meta\">rules (").append(r.rules().size()).append("): ").append(esc(String.join(", ", r.rules()))).append("</p>\n");

        h.append("<div class=\"kpis\">\n");
        kpi(h, TextReport.num(r.visits()), "visits (shopping sessions)");
        kpi(h, TextReport.num(r.orders()), "orders placed during the run");
        kpi(h, TextReport.money(r.revenue()), "revenue of those orders");
        kpi(h, TextReport.num(r.totalEvents()), "events fed (history and run)");
        kpi(h, TextReport.num(r.evaluations()), "contact evaluations (contacts due, hourly)");
        kpi(h, TextReport.num(r.totalActions()), "actions emitted");
        kpi(h, TextReport.num(r.ruleFailures()), "rule failures");
        h.append("</div>\n");
        note(h, TextReport.historyNote(r, r.historyEvents().getOrDefault("order.placed", 0L)));

        h.append("<h2>Contacts per stage (at the end)</h2>\n");
        List<Bar> stages = new ArrayList<>();
        r.stages().forEach((stage, n) -> stages.add(new Bar(stage, n, TextReport.pct(n, r.contacts()))));
        chart(h, "Contacts per journey stage", stages);

        h.append("<h2>Actions per rule</h2>\n");
        Map<String, Long> perRule = new LinkedHashMap<>();
        for (ActionCount a : r.actions()) {
            perRule.merge(a.rule(), a.count(), Long::sum);
        }
        List<Bar> rules = new ArrayList<>();
        perRule.forEach((rule, n) -> rules.add(new Bar(rule, n, "")));
        chart(h, "Actions per rule", rules);
        h.append("<table>\n<tr><th>rule</th><th class=\"l\">type</th><th>actions</th></tr>\n");
        for (ActionCount a : r.actions()) {
            h.append("<tr><td>").append(esc(a.rule())).append("</td><td class=\"l\">").append(esc(a.type())).append("</td><td>")
                    .append(TextReport.num(a.count())).append("</td></tr>\n");
        }
        h.append("<tr><th>total</th><th></th><th>").append(TextReport.num(r.totalActions())).append("</th></tr>\n</table>\n");

        h.append("<h2>Messages</h2>\n<p class=\"meta\">per message, as the shop saw them</p>\n");
        h.append("<table>\n<tr><th>rule</th><th>sent</th><th>opened</th><th>converted</th><th>rate</th><th>revenue</th></tr>\n");
        List<Bar> rates = new ArrayList<>();
        for (MessageOutcome m : r.messages()) {
            h.append("<tr><td>").append(esc(m.rule())).append("</td><td>").append(TextReport.num(m.sent())).append("</td><td>")
                    .append(TextReport.num(m.opened())).append("</td><td>").append(TextReport.num(m.converted())).append("</td><td>")
                    .append(TextReport.pct(m.converted(), m.sent())).append("</td><td>").append(TextReport.money(m.revenue()))
                    .append("</td></tr>\n");
            rates.add(new Bar(m.rule(), m.sent() == 0 ? 0 : Math.round(1000.0 * m.converted() / m.sent()),
                    TextReport.pct(m.converted(), m.sent())));
        }
        h.append("</table>\n");
        note(h, TextReport.messagesNote(r));
        chartScaled(h, "Conversion rate per message (converted messages of those sent)", rates, 1000);

        conversion(h, r.conversion());
        note(h, TextReport.conversionNote(r));

        Carts c = r.carts();
        long notReminded = c.abandoned() - c.reminded();
        h.append("<h2>Abandoned carts</h2>\n");
        chart(h, "Abandoned carts and their recovery", List.of(
                new Bar("abandoned", c.abandoned(), ""),
                new Bar("reminded", c.reminded(), TextReport.pct(c.reminded(), c.abandoned()) + " of abandoned"),
                new Bar("recovered after reminder", c.recoveredAfterReminder(),
                        TextReport.pct(c.recoveredAfterReminder(), c.reminded()) + " of reminded"),
                new Bar("recovered without reminder", c.recoveredWithout(),
                        TextReport.pct(c.recoveredWithout(), notReminded) + " of not reminded")));

        h.append("<h2>First to second purchase</h2>\n");
        chart(h, "First to second purchase", List.of(
                new Bar("first purchase", r.firstPurchases(), ""),
                new Bar("second purchase", r.secondPurchases(), TextReport.pct(r.secondPurchases(), r.firstPurchases()))));

        h.append("<h2>Events fed, by type</h2>\n<table>\n<tr><th>type</th><th>history</th><th>run</th><th>all</th></tr>\n");
        Map<String, Long> run = r.runEvents();
        r.events().forEach((type, n) -> h.append("<tr><td>").append(esc(type)).append("</td><td>")
                .append(TextReport.num(r.historyEvents().getOrDefault(type, 0L))).append("</td><td>")
                .append(TextReport.num(run.get(type))).append("</td><td>")
                .append(TextReport.num(n)).append("</td></tr>\n"));
        h.append("</table>\n");
        note(h, List.of("history: the returning customers' sign-ups, visits and orders from before " + r.start()
                + ", fed when the engine is switched on; run: what the shop did during the run."));
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    /** The engine's conversion report (docs/settings-and-policies.md): a table with the cells of {@code waymark report}, and a chart of the rates. */
    private static void conversion(StringBuilder h, ConversionReport c) {
        h.append("<h2>Conversion</h2>\n<p class=\"meta\">per contact, as the engine and waymark report count it: contacts reached by a rule's messages")
                .append(" (or holdout records) and converted, goal ").append(esc(ConversionText.goal(c.goal()))).append("</p>\n");
        if (c.rows().isEmpty()) {
            h.append("<p>No messages or holdout records yet: nothing has had a chance to convert.</p>\n");
            return;
        }
        h.append("<table>\n<tr><th>rule</th><th class=\"l\">arm</th><th>actions</th><th>reached</th><th>converted</th>")
                .append("<th>rate</th><th>revenue</th><th class=\"l\">lift vs holdout [95% interval]</th></tr>\n");
        for (Row row : c.rows()) {
            h.append("<tr><td>").append(esc(row.rule())).append("</td><td class=\"l\">").append(esc(row.arm()))
                    .append("</td><td>").append(ConversionText.count(row.actions()))
                    .append("</td><td>").append(ConversionText.count(row.reached()))
                    .append("</td><td>").append(ConversionText.count(row.converted()))
                    .append("</td><td>").append(ConversionText.rate(row.rate()))
                    .append("</td><td>").append(ConversionText.revenue(row.revenue()))
                    .append("</td><td class=\"l\">").append(esc(ConversionText.lift(row.lift()))).append("</td></tr>\n");
        }
        h.append("</table>\n");
        conversionChart(h, c.rows());
    }

    /**
     * Conversion rate per rule and arm as horizontal bars. A holdout bar is light grey with a dashed outline,
     * and a dashed line at its rate runs across its rule's bars; a variant with a lift carries a whisker over
     * [holdout rate + low, holdout rate + high], its rate's 95 % interval relative to the holdout — when the
     * whisker crosses the dashed line, the lift is not clear of zero.
     */
    private static void conversionChart(StringBuilder h, List<Row> rows) {
        int labelWidth = 190;
        int barWidth = 460;
        int noteWidth = 330; // room for "19.5% of 185   lift +10.2 pp [+1.8, +18.5]" after a whisker
        int row = 26;
        int gap = 8;
        Map<String, Double> holdoutRate = new LinkedHashMap<>();
        double max = 0;
        for (Row r : rows) {
            if (r.arm().equals(Policies.Experiment.HOLDOUT)) {
                holdoutRate.put(r.rule(), r.rate());
            }
        }
        for (Row r : rows) {
            max = Math.max(max, r.rate());
            Double base = holdoutRate.get(r.rule());
            if (r.lift() != null && base != null) {
                max = Math.max(max, base + r.lift().high());
            }
        }
        max = max == 0 ? 1 : max;
        // y of each row, with a gap between rules so a rule's arms read as one group.
        int[] ys = new int[rows.size()];
        int y = 5;
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0 && !rows.get(i).rule().equals(rows.get(i - 1).rule())) {
                y += gap;
            }
            ys[i] = y;
            y += row;
        }
        int height = y + 5;
        int width = labelWidth + barWidth + noteWidth;
        String title = "Conversion rate per rule and arm";
        h.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
                width, height, width, height, esc(title)));
        h.append("<title>").append(esc(title)).append("</title>\n");
        Map<String, Integer> variantColour = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int top = ys[i];
            boolean holdout = r.arm().equals(Policies.Experiment.HOLDOUT);
            boolean all = r.arm().equals(Policies.Conversion.ALL);
            String label = all ? r.rule() : r.rule() + " \u00b7 " + r.arm();
            double w = r.rate() == 0 ? 0 : Math.max(1.0, barWidth * r.rate() / max);
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    labelWidth - 8, top + 15, esc(label)));
            if (holdout) {
                h.append(String.format(Locale.ROOT,
                        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"3\" fill=\"#dddddd\" stroke=\"#555555\" stroke-dasharray=\"4 3\"/>\n",
                        labelWidth, top + 2, w, row - 8));
            } else {
                String colour = all ? PALETTE[0]
                        : PALETTE[1 + variantColour.computeIfAbsent(r.arm(), a -> variantColour.size()) % (PALETTE.length - 2)];
                h.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"3\" fill=\"%s\"/>\n",
                        labelWidth, top + 2, w, row - 8, colour));
            }
            double noteX = labelWidth + w;
            Double base = holdoutRate.get(r.rule());
            if (r.lift() != null && base != null) {
                double lo = labelWidth + barWidth * Math.max(0, base + r.lift().low()) / max;
                double hi = labelWidth + barWidth * Math.min(max, base + r.lift().high()) / max;
                int mid = top + row / 2 - 2;
                h.append(String.format(Locale.ROOT,
                        "<path d=\"M%.1f %dV%dM%.1f %dH%.1fM%.1f %dV%d\" stroke=\"#222222\" stroke-width=\"1.5\" fill=\"none\"/>\n",
                        lo, mid - 5, mid + 5, lo, mid, hi, hi, mid - 5, mid + 5));
                noteX = Math.max(noteX, hi);
            }
            String note = ConversionText.rate(r.rate()) + " of " + ConversionText.count(r.reached())
                    + (r.lift() == null ? "" : "   lift " + ConversionText.lift(r.lift()));
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>\n", noteX + 6, top + 15, esc(note)));
        }
        // The holdout's rate, across its rule's rows: the line a variant has to clear.
        for (Map.Entry<String, Double> e : holdoutRate.entrySet()) {
            int first = -1;
            int last = -1;
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).rule().equals(e.getKey())) {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            double x = labelWidth + barWidth * e.getValue() / max;
            h.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555555\" stroke-dasharray=\"3 3\"/>\n",
                    x, ys[first], x, ys[last] + row - 4));
        }
        h.append("</svg>\n");
        h.append("<p class=\"meta\">Grey dashed bars: the holdout, whose messages were recorded but not sent; the dashed")
                .append(" line marks its rate. A variant's whisker spans the holdout rate plus the 95% interval of its lift:")
                .append(" when it crosses the dashed line, the lift is not clear of zero.</p>\n");
    }

    /** Lines of a note under a table: one paragraph. */
    private static void note(StringBuilder h, List<String> lines) {
        h.append("<p class=\"meta\">").append(esc(String.join(" ", lines))).append("</p>\n");
    }

    private static void kpi(StringBuilder h, String value, String label) {
        h.append("<div class=\"kpi\"><b>").append(esc(value)).append("</b><span>").append(esc(label)).append("</span></div>\n");
    }

    private static void chart(StringBuilder h, String title, List<Bar> bars) {
        chartScaled(h, title, bars, 1);
    }

    /** A horizontal bar chart; {@code scale} divides the values for the printed numbers (1 for plain counts). */
    private static void chartScaled(StringBuilder h, String title, List<Bar> bars, long scale) {
        int labelWidth = 190;
        int barWidth = 460;
        int row = 26;
        int height = bars.size() * row + 10;
        long max = 1;
        for (Bar b : bars) {
            max = Math.max(max, b.value());
        }
        h.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
                labelWidth + barWidth + 160, height, labelWidth + barWidth + 160, height, esc(title)));
        h.append("<title>").append(esc(title)).append("</title>\n");
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = 5 + i * row;
            double w = b.value() == 0 ? 0 : Math.max(1.0, (double) barWidth * b.value() / max);
            String shown = scale == 1 ? TextReport.num(b.value()) : b.note();
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    labelWidth - 8, y + 15, esc(b.label())));
            h.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"3\" fill=\"%s\"/>\n",
                    labelWidth, y + 2, w, row - 8, PALETTE[i % PALETTE.length]));
            String note = scale == 1 && !b.note().isEmpty() ? shown + "  (" + b.note() + ")" : shown;
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>\n", labelWidth + w + 6, y + 15, esc(note)));
        }
        h.append("</svg>\n");
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}

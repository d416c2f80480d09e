package dev.waymark.examples.report;

import dev.waymark.ConversionReport;
import dev.waymark.ConversionReport.Lift;
import dev.waymark.ConversionReport.Row;
import dev.waymark.Settings.Policies;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The conversion report (docs/settings-and-policies.md) as an aligned text table: a {@code goal:} line, then one line per rule and
 * arm with actions, contacts reached and converted, conversion rate, revenue and, for a variant, its lift
 * over the holdout in percentage points with the 95 % interval ({@code +2.1 pp [-0.4, +4.6]}).
 *
 * <p>{@code waymark report} prints it and the simulation's reports reuse it, cell formats included, so a
 * number reads the same everywhere. Pure, and formatted in {@link Locale#ROOT} whatever the machine's
 * locale. Minus signs are ASCII hyphens, so the table greps and pastes anywhere.
 */
public final class ConversionText {
    private ConversionText() {
    }

    private static final String[] HEADER = {"rule", "arm", "actions", "reached", "converted", "rate", "revenue",
        "lift vs holdout [95% interval]"};
    /** Columns 2..6 hold numbers: right-aligned. */
    private static final int FIRST_NUMBER = 2;
    private static final int LAST_NUMBER = 6;

    /** The report as text, lines ending in {@code \n}. */
    public static String render(ConversionReport report) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines(report)) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /** The report's lines, without line ends or trailing spaces: the goal, then the table (or a note that it is empty). */
    public static List<String> lines(ConversionReport report) {
        List<String> out = new ArrayList<>();
        out.add("goal: " + goal(report.goal()));
        if (report.rows().isEmpty()) {
            out.add("no messages or holdout records yet: nothing has had a chance to convert");
            journeys(report, out);
            return out;
        }
        List<String[]> table = new ArrayList<>();
        table.add(HEADER);
        for (Row r : report.rows()) {
            table.add(new String[] {r.rule(), r.arm(), count(r.actions()), count(r.reached()), count(r.converted()),
                rate(r.rate()), revenue(r.revenue()), lift(r.lift())});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : table) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : table) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[i] - row[i].length());
                boolean number = i >= FIRST_NUMBER && i <= LAST_NUMBER;
                line.append(number ? pad + row[i] : row[i] + pad);
            }
            out.add(line.toString().stripTrailing());
        }
        journeys(report, out);
        return out;
    }

    /**
     * The journeys, when there are any: a blank line, then per journey a line with the contacts that entered,
     * are in it now, completed and exited, and below it per step the contacts that reached it and wait at it.
     * Conversion per journey is in the table above, under the journey id.
     */
    private static void journeys(ConversionReport report, List<String> out) {
        if (report.journeys().isEmpty()) {
            return;
        }
        out.add("");
        out.add("journeys (contacts; conversion per journey in the rows above):");
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"journey / step", "entered", "in now", "completed", "exited"});
        for (ConversionReport.JourneyRow j : report.journeys()) {
            table.add(new String[] {j.journey(), count(j.entered()), count(j.active()), count(j.completed()), count(j.exited())});
            for (ConversionReport.StepRow st : j.steps()) {
                table.add(new String[] {"  " + st.step(), "reached " + count(st.reached()), "waiting " + count(st.waiting()), "", ""});
            }
        }
        int[] width = new int[5];
        for (String[] row : table) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : table) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[i] - row[i].length());
                line.append(i == 0 ? row[i] + pad : pad + row[i]);
            }
            out.add(line.toString().stripTrailing());
        }
    }

    /** The goal as a phrase: {@code order.placed within 72h}. */
    public static String goal(Policies.Conversion goal) {
        return goal.event() + " within " + hours(goal) + "h";
    }

    /** The goal window in hours, without trailing zeros ({@code 72}, {@code 1.5}). */
    public static BigDecimal hours(Policies.Conversion goal) {
        // Settings give the window in (possibly fractional) hours, kept to the millisecond.
        BigDecimal hours = BigDecimal.valueOf(goal.window().toMillis())
                .divide(BigDecimal.valueOf(3_600_000L), 6, RoundingMode.HALF_UP).stripTrailingZeros();
        // stripTrailingZeros turns 720 into 7.2E+2; a scale of 0 keeps it a plain 720 in text and JSON.
        return hours.scale() < 0 ? hours.setScale(0) : hours;
    }

    /** A rate (a fraction) as a percentage with one decimal: {@code 5.2%}. */
    public static String rate(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * rate);
    }

    /** An amount with two decimals and thousands separators: {@code 1,149.73}. */
    public static String revenue(double amount) {
        return String.format(Locale.ROOT, "%,.2f", amount);
    }

    /** A whole number with thousands separators. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * A lift in percentage points with its 95 % interval, {@code +2.1 pp [-0.4, +4.6]}; empty for
     * {@code null} (not a variant, or no holdout data to compare with).
     */
    public static String lift(Lift lift) {
        if (lift == null) {
            return "";
        }
        return points(lift.difference()) + " pp [" + points(lift.low()) + ", " + points(lift.high()) + "]";
    }

    /** A difference of fractions in signed percentage points, one decimal: {@code +2.1}, {@code -0.4}. */
    public static String points(double fraction) {
        String s = String.format(Locale.ROOT, "%+.1f", 100 * fraction);
        // A tiny negative difference rounds to -0.0: no difference reads the same on either side.
        return s.equals("-0.0") ? "+0.0" : s;
    }
}

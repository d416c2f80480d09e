package dev.waymark.examples.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.waymark.ConversionReport;
import dev.waymark.ConversionReport.Lift;
import dev.waymark.ConversionReport.Row;
import dev.waymark.Settings.Policies;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The conversion report as a text table and as JSON: shape, number formats, lift, and the empty report. */
class ConversionTextTest {

    static final Policies.Conversion GOAL = Policies.Conversion.DEFAULT;

    static final ConversionReport REPORT = new ConversionReport(GOAL, List.of(
            new Row("abandoned-cart", "A", 219, 210, 11, 11 / 210.0, 1149.73, new Lift(0.0249, -0.0182, 0.0679)),
            new Row("abandoned-cart", "B", 234, 219, 9, 9 / 219.0, 608.84, new Lift(0.0136, -0.0269, 0.054)),
            new Row("abandoned-cart", "holdout", 115, 109, 3, 3 / 109.0, 141.94, null),
            new Row("welcome-series", "all", 2170, 813, 48, 48 / 813.0, 3335.18, null)));

    @Test
    void text_startsWithTheGoalThenPrintsOneAlignedRowPerRuleAndArm() {
        List<String> lines = ConversionText.lines(REPORT);

        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("goal: order.placed within 72h");
        assertThat(lines.get(1)).startsWith("rule ").contains("arm", "actions", "reached", "converted", "rate", "revenue", "lift");
        assertThat(lines.get(2)).matches("abandoned-cart +A +219 +210 +11 +5\\.2% +1,149\\.73 +\\+2\\.5 pp \\[-1\\.8, \\+6\\.8]");
        assertThat(lines.get(3)).matches("abandoned-cart +B +234 +219 +9 +4\\.1% +608\\.84 +\\+1\\.4 pp \\[-2\\.7, \\+5\\.4]");
        assertThat(lines.get(4)).matches("abandoned-cart +holdout +115 +109 +3 +2\\.8% +141\\.94");
        assertThat(lines.get(5)).matches("welcome-series +all +2,170 +813 +48 +5\\.9% +3,335\\.18");
        // Aligned: numbers are right-aligned, so every row's revenue ends in the same column.
        int end = lines.get(2).indexOf("1,149.73") + "1,149.73".length();
        assertThat(lines.subList(3, 6)).allSatisfy(l -> assertThat(l.substring(end - 3, end)).matches("\\.\\d\\d"));
        assertThat(lines).allSatisfy(l -> assertThat(l).doesNotEndWith(" "));
        assertThat(ConversionText.render(REPORT)).isEqualTo(String.join("\n", lines) + "\n");
    }

    @Test
    void lift_isSignedPercentagePointsWithTheIntervalInBrackets() {
        assertThat(ConversionText.lift(new Lift(0.021, -0.004, 0.046))).isEqualTo("+2.1 pp [-0.4, +4.6]");
        assertThat(ConversionText.lift(new Lift(-0.1234, -0.2, -0.05))).isEqualTo("-12.3 pp [-20.0, -5.0]");
        assertThat(ConversionText.lift(null)).isEmpty();
    }

    @Test
    void lift_thatRoundsToZero_readsPlusZeroWhicheverSideItIsOn() {
        assertThat(ConversionText.points(-0.0004)).isEqualTo("+0.0");
        assertThat(ConversionText.points(0.0004)).isEqualTo("+0.0");
        assertThat(ConversionText.points(-0.0006)).isEqualTo("-0.1");
    }

    @Test
    void numbers_areFormattedTheSameWhateverTheMachineLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(ConversionText.render(REPORT)).contains("1,149.73", "5.2%", "+2.5 pp");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void goal_namesTheEventAndTheWindowInHours_withoutTrailingZeros() {
        assertThat(ConversionText.goal(new Policies.Conversion("order.placed", Duration.ofHours(720)))).isEqualTo("order.placed within 720h");
        assertThat(ConversionText.goal(new Policies.Conversion("signup.done", Duration.ofMinutes(90)))).isEqualTo("signup.done within 1.5h");
    }

    @Test
    void emptyReport_printsTheGoalAndSaysNothingHadAChanceToConvert() {
        ConversionReport empty = new ConversionReport(GOAL, List.of());
        assertThat(ConversionText.render(empty)).isEqualTo("goal: order.placed within 72h\n"
                + "no messages or holdout records yet: nothing has had a chance to convert\n");
    }

    @Test
    void json_hasTheGoalAndOneObjectPerRow_withLiftOrNull() throws Exception {
        JsonNode root = new ObjectMapper().readTree(ConversionJson.render(REPORT));

        assertThat(root.get("goal").get("event").asText()).isEqualTo("order.placed");
        assertThat(root.get("goal").get("hours").isIntegralNumber()).isTrue();
        assertThat(root.get("goal").get("hours").asInt()).isEqualTo(72);
        assertThat(root.get("rows")).hasSize(4);
        JsonNode a = root.get("rows").get(0);
        assertThat(a.get("rule").asText()).isEqualTo("abandoned-cart");
        assertThat(a.get("arm").asText()).isEqualTo("A");
        assertThat(a.get("actions").asLong()).isEqualTo(219);
        assertThat(a.get("reached").asLong()).isEqualTo(210);
        assertThat(a.get("converted").asLong()).isEqualTo(11);
        assertThat(a.get("rate").asDouble()).isEqualTo(11 / 210.0);
        assertThat(a.get("revenue").asDouble()).isEqualTo(1149.73);
        assertThat(a.get("lift").get("difference").asDouble()).isEqualTo(0.0249);
        assertThat(a.get("lift").get("low").asDouble()).isEqualTo(-0.0182);
        assertThat(a.get("lift").get("high").asDouble()).isEqualTo(0.0679);
        JsonNode holdout = root.get("rows").get(2);
        assertThat(holdout.has("lift")).isTrue();
        assertThat(holdout.get("lift").isNull()).isTrue();
        assertThat(ConversionJson.render(REPORT)).doesNotContain("\n");
    }

    @Test
    void json_ofAnEmptyReport_hasNoRows() throws Exception {
        JsonNode root = new ObjectMapper().readTree(ConversionJson.render(new ConversionReport(
                new Policies.Conversion("signup.done", Duration.ofMinutes(90)), List.of())));
        assertThat(root.get("goal").get("hours").asDouble()).isEqualTo(1.5);
        assertThat(root.get("rows")).isEmpty();
    }
}

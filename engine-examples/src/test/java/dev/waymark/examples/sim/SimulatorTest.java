package dev.waymark.examples.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.ConversionReport;
import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import dev.waymark.examples.cli.SimulateCommand;
import dev.waymark.examples.report.ConversionText;
import dev.waymark.json.WaymarkJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shop simulation: deterministic, fed back by the engine's actions, and reported as text and HTML. */
class SimulatorTest {

    static final JourneyEngine ENGINE = Waymark.builder().rulesFromClasspath(SimulateCommand.BACK_IN_STOCK).build();

    static SimulationReport simulate(long seed, int parallelism) {
        return new Simulator(ENGINE, parallelism).run(250, 10, seed, null);
    }

    @Test
    void sameSeed_givesEqualReports_whateverTheParallelism() {
        SimulationReport one = simulate(11, 1);
        SimulationReport two = simulate(11, 2);
        assertThat(two).isEqualTo(one);
        assertThat(TextReport.render(two)).isEqualTo(TextReport.render(one));
        assertThat(HtmlReport.render(two)).isEqualTo(HtmlReport.render(one));
    }

    @Test
    void otherSeed_givesAnotherShop() {
        assertThat(simulate(12, 2).totalEvents()).isNotEqualTo(simulate(11, 2).totalEvents());
    }

    @Test
    void engineActionsFeedBackIntoTheShop() {
        SimulationReport r = new Simulator(ENGINE, 2).run(600, 21, 5, null);
        assertThat(r.ruleFailures()).isZero();
        assertThat(r.stages().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(600);
        // Messages are sent as email.sent events, opened, and some lead to orders.
        assertThat(r.events()).containsKeys("email.sent", "email.opened", "order.placed", "cart.item_added", "wishlist.added");
        assertThat(r.messages()).anySatisfy(m -> {
            assertThat(m.rule()).isEqualTo("abandoned-cart");
            assertThat(m.sent()).isPositive();
            assertThat(m.opened()).isPositive().isLessThanOrEqualTo(m.sent());
            assertThat(m.converted()).isPositive();
        });
        assertThat(r.carts().abandoned()).isPositive();
        assertThat(r.carts().reminded()).isPositive().isLessThanOrEqualTo(r.carts().abandoned());
        assertThat(r.carts().recoveredAfterReminder()).isPositive();
        assertThat(r.firstPurchases()).isPositive();
        assertThat(r.secondPurchases()).isLessThanOrEqualTo(r.firstPurchases());
        assertThat(r.actions()).extracting(SimulationReport.ActionCount::rule)
                .contains("abandoned-cart", "welcome-series", "win-back", "stage-progression");
    }

    @Test
    void htmlReport_isOneSelfContainedPageWithInlineCharts() {
        String page = HtmlReport.render(simulate(3, 2));
        assertThat(page).startsWith("<!DOCTYPE html>").endsWith("</html>\n")
                .contains("<svg xmlns=\"http://www.w3.org/2000/svg\"", "Contacts per journey stage", "First to second purchase",
                        "<h2>Conversion</h2>", "Conversion rate per rule and arm")
                .doesNotContain("<script", "<link", "src=", "href=", "@import", "url(");
    }

    @Test
    void textReport_namesEverySection() {
        assertThat(TextReport.render(simulate(3, 2))).contains("Contacts per stage", "Actions per rule and type",
                "Messages", "Conversion", "Abandoned carts", "recovered after a reminder", "First to second purchase",
                "Events fed, by type");
    }

    @Test
    void conversion_isTheEnginesReportOverTheFinalStates_printedAsWaymarkReportPrintsIt() {
        SimulationReport r = simulate(3, 2);
        assertThat(r.conversion().rows()).isNotEmpty().allSatisfy(row -> assertThat(row.arm()).isEqualTo("all"));
        assertThat(r.conversion().rows("abandoned-cart")).singleElement().satisfies(row -> {
            assertThat(row.reached()).isPositive();
            assertThat(row.converted()).isPositive();
        });
        String text = TextReport.render(r);
        for (String line : ConversionText.lines(r.conversion())) {
            assertThat(text).contains("\n  " + line + "\n");
        }
    }

    @Test
    void ordersOfTheRun_plusTheHistorysOrders_areTheOrderEventsFed_andTheReportSaysSo() {
        SimulationReport r = simulate(3, 2);
        long history = r.historyEvents().getOrDefault("order.placed", 0L);
        assertThat(history).as("returning customers bring their past orders").isPositive();
        assertThat(r.orders()).isPositive();
        assertThat(r.events().get("order.placed")).isEqualTo(r.orders() + history);
        assertThat(r.runEvents().get("order.placed")).isEqualTo(r.orders());
        String text = TextReport.render(r);
        assertThat(text).contains(String.format(java.util.Locale.ROOT, "  %-44s %10s%n", "orders placed during the run",
                        TextReport.num(r.orders())).replace(System.lineSeparator(), "\n"))
                .contains("The " + TextReport.num(r.events().get("order.placed")) + " order.placed events fed are the "
                        + TextReport.num(r.orders()) + " orders of the run plus " + TextReport.num(history) + " from the returning")
                .containsPattern("\n  order\\.placed +" + TextReport.num(history) + " +" + TextReport.num(r.orders()) + " +"
                        + TextReport.num(r.events().get("order.placed")) + "\n");
        assertThat(HtmlReport.render(r)).contains("orders placed during the run", "<th>history</th><th>run</th><th>all</th>",
                "order.placed events fed are the");
    }

    @Test
    void messagesAndConversion_agreeOnSendsAndRevenue_andDifferOnlyInCountingMessagesOrContacts() {
        for (long seed : new long[] {3, 11, 42}) {
            SimulationReport r = new Simulator(ENGINE, 2).run(400, 14, seed, null);
            assertThat(r.messages()).as("seed %d", seed).isNotEmpty();
            for (SimulationReport.MessageOutcome m : r.messages()) {
                List<ConversionReport.Row> rows = r.conversion().rows(m.rule()).stream()
                        .filter(row -> !row.arm().equals("holdout")).toList();
                long actions = rows.stream().mapToLong(ConversionReport.Row::actions).sum();
                long convertedContacts = rows.stream().mapToLong(ConversionReport.Row::converted).sum();
                double revenue = rows.stream().mapToDouble(ConversionReport.Row::revenue).sum();
                assertThat(m.sent()).as("seed %d, %s: messages sent = the engine's actions", seed, m.rule()).isEqualTo(actions);
                assertThat(m.revenue()).as("seed %d, %s: revenue", seed, m.rule()).isCloseTo(revenue, org.assertj.core.api.Assertions.within(0.005));
                assertThat(convertedContacts).as("seed %d, %s: a contact converted by several messages counts once", seed, m.rule())
                        .isLessThanOrEqualTo(m.converted());
                assertThat(convertedContacts > 0).as("seed %d, %s: both see a conversion or neither", seed, m.rule())
                        .isEqualTo(m.converted() > 0);
            }
        }
        String text = TextReport.render(simulate(3, 2));
        assertThat(text).contains("Messages (per message, as the shop saw them)",
                "Conversion (per contact, as the engine and waymark report count it)",
                "converted: messages followed by an order within 72 h, each message once",
                "messages counts once here and twice in Messages, so these converted are at most Messages'.");
    }

    @Test
    void withAnExperiment_theReportsSetTheHoldoutApartAndShowEachVariantsLift() {
        JourneyEngine engine = Waymark.builder().rulesFromClasspath(SimulateCommand.BACK_IN_STOCK)
                .settings(WaymarkJson.readSettings("""
                        {"policies":{"experiments":{"abandoned-cart":{"holdoutPercent":30,
                          "variants":[{"name":"A","weight":1},{"name":"B","weight":1}]}}}}"""))
                .build();
        SimulationReport r = new Simulator(engine, 2).run(600, 14, 5, null);

        assertThat(r.conversion().rows("abandoned-cart")).extracting(ConversionReport.Row::arm).containsExactly("A", "B", "holdout");
        assertThat(r.conversion().rows("abandoned-cart")).allSatisfy(row -> assertThat(row.reached()).isPositive());
        assertThat(r.conversion().rows("abandoned-cart").get(0).lift()).isNotNull();
        assertThat(TextReport.render(r)).containsPattern("abandoned-cart +holdout +\\d+")
                .containsPattern("abandoned-cart +A .* pp \\[");
        String page = HtmlReport.render(r);
        assertThat(page).contains("abandoned-cart \u00b7 holdout", "stroke-dasharray=\"4 3\"", "lift ")
                .containsPattern("<path d=\"M[0-9.]+ \\d+V\\d+M")
                .doesNotContain("<script", "url(");
    }
}

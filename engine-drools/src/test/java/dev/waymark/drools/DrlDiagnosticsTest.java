package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.JourneyEngine;
import dev.waymark.RuleCompilationException;
import dev.waymark.RuleCompilationException.Problem;
import dev.waymark.Settings;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a rule author reads when their DRL is wrong: one short problem per mistake, at the file and line of the
 * mistake, in the {@code when} part and in the {@code then} part; and the mistakes Drools would accept silently.
 */
class DrlDiagnosticsTest {

    /** Six lines: the rules below start at line 7. */
    static final String HEADER = EngineTest.HEADER;

    static List<Problem> problems(String file, String drl) {
        return problems(Waymark.builder().rules(file, drl));
    }

    static List<Problem> problems(Waymark.Builder builder) {
        try {
            builder.build();
        } catch (RuleCompilationException e) {
            return e.problems();
        }
        throw new AssertionError("expected the rules not to compile");
    }

    @Test
    void anErrorInTheThenPart_isReportedAtItsOwnLine() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTimes
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                    String tag = "vip";
                    int n = $c.orderCont();
                    waymark.emit($c, "tag.add", "once", Map.of("tag", tag));
                end
                """);
        assertThat(p).containsExactly(new Problem("rules/vip.drl", 12, "The method orderCont() is undefined for the type Contact"));
    }

    @Test
    void errorsInTheThenPart_afterAModifyBlockAndOnTheThenLine_eachAtTheirLine() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTimes
                when
                    $c : Contact( totalSpent >= 1000 )
                then  int a = $c.first();
                    modify($c) {
                        setSecond(1)
                    }
                    int c = $c.third();
                end
                """);
        assertThat(p).extracting(Problem::line, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(10, "The method first() is undefined for the type Contact"),
                org.assertj.core.groups.Tuple.tuple(12, "The method setSecond(int) is undefined for the type Contact"),
                org.assertj.core.groups.Tuple.tuple(14, "The method third() is undefined for the type Contact"));
    }

    @Test
    void errorsInNamedConsequences_eachAtTheirLine() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTimes
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                    int q = $c.first();
                then[other]
                    int r = $c.second();
                end
                """);
        assertThat(p).extracting(Problem::line, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(11, "The method first() is undefined for the type Contact"),
                org.assertj.core.groups.Tuple.tuple(13, "The method second() is undefined for the type Contact"));
    }

    @Test
    void anErrorInAnMvelThenPart_isReportedAtItsOwnLine_inOneShortLine() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTimes
                    dialect "mvel"
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                    tag = "vip";
                    n = $c.orderCont;
                end
                """);
        assertThat(p).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo("rules/vip.drl");
            assertThat(problem.line()).isEqualTo(13);
            assertThat(problem.message()).startsWith("cannot find symbol: Contact.orderCont in '").doesNotContain("\n");
        });
    }

    @Test
    void anErrorInTheWhenPart_isReportedAtTheLineOfTheConstraint() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTimes
                when
                    $c : Contact( totalSpent >= 1000,
                                  orderCont > 2 )
                then
                end
                """);
        assertThat(p).containsExactly(new Problem("rules/vip.drl", 10, "cannot find symbol: Contact.orderCont in 'orderCont > 2'"));
        assertThat(p.get(0).toString()).isEqualTo("rules/vip.drl:10: cannot find symbol: Contact.orderCont in 'orderCont > 2'");
    }

    @Test
    void aMisspeltFieldThatABindingUsesLater_isReportedOnce() {
        String drl = HEADER + """
                rule "vip-tag" @dueTimes
                when
                    $c : Contact( $n : orderCont )
                    eval( $n > 1 )
                then
                    waymark.emit($c, "tag.add", "once", Map.of("n", $n));
                end
                """;
        RuleCompilationException e = (RuleCompilationException) org.assertj.core.api.Assertions.catchThrowable(
                () -> Waymark.builder().rules("rules/vip.drl", drl).build());
        assertThat(e.problems()).containsExactly(
                new Problem("rules/vip.drl", 9, "cannot find symbol: field orderCont (in '$n : orderCont')"));
        assertThat(e.getMessage().split("orderCont", -1)).hasSize(3); // the symbol and its binding, in one line
        assertThat(e.getMessage().lines()).hasSize(2);
    }

    @Test
    void anErrorInAnEval_isReportedAtItsLine() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTimes
                when
                    $c : Contact( totalSpent >= 1000 )
                    eval( $c.orderCont() > 1 )
                then
                end
                """);
        assertThat(p).containsExactly(new Problem("rules/vip.drl", 10, "The method orderCont() is undefined for the type Contact"));
    }

    @Test
    void anErrorInAFromExpression_isReportedAtItsLine() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTimes
                when
                    $c : Contact( )
                    $t : String( ) from $c.tagz()
                then
                end
                """);
        assertThat(p).containsExactly(new Problem("rules/vip.drl", 10, "cannot find symbol: Contact.tagz in '$c.tagz()'"));
    }

    @Test
    void anErrorInTheSecondRuleOfAFile_isReportedAtItsLine_withWindowsLineEnds() {
        String drl = HEADER + EngineTest.VIP_TAG.substring(HEADER.length()) + """
                rule "big-cart" @dueTimes
                when
                    $c : Contact( totalSpent >= 1000,
                                  cartValue > 100 )
                then
                end
                """;
        List<Problem> p = problems("rules/vip.drl", drl.replace("\n", "\r\n"));
        assertThat(p).containsExactly(new Problem("rules/vip.drl", 16, "cannot find symbol: Contact.cartValue in 'cartValue > 100'"));
    }

    @Test
    void anUnknownAnnotation_isAnErrorAtItsLineSuggestingTheKnownOne() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTime
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                end
                """);
        assertThat(p).singleElement().hasToString("rules/vip.drl:7: unknown annotation @dueTime; did you mean @dueTimes?");
    }

    @Test
    void droolsOwnRuleAnnotations_areAccepted() {
        JourneyEngine engine = Waymark.builder().rules("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTimes @Propagation(IMMEDIATE)
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                end
                """).build();
        assertThat(engine.ruleIds()).contains("vip-tag");
    }

    @Test
    void aMisspeltAttribute_isReportedAtItsLineWithASuggestion() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "vip-tag" @dueTimes
                    salince 10
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                end
                """);
        assertThat(p).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo("rules/vip.drl");
            assertThat(problem.line()).isEqualTo(8);
            assertThat(problem.message()).contains("'salince'").endsWith("did you mean salience?");
        });
    }

    static final String MY_WIN_BACK = HEADER + """
            rule "win-back" @dueTimes
            when
                $c : Contact( totalSpent >= 1000 )
            then
            end
            """;

    @Test
    void aCustomRuleWithTheIdOfAStandardRule_namesTheUsersFileAndLine() {
        List<Problem> p = problems("rules/mine.drl", MY_WIN_BACK);
        assertThat(p).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo("rules/mine.drl");
            assertThat(problem.line()).isEqualTo(7);
            assertThat(problem.message()).startsWith("rule \"win-back\" has the id of a standard rule; rename it");
        });
        assertThat(p.toString()).doesNotContain("dev/waymark/rules/win-back.drl");
    }

    @Test
    void aStandardRulesId_staysReservedWhenThatRuleIsSwitchedOff() {
        List<Problem> p = problems(Waymark.builder().settings(Settings.builder().disable("win-back").build())
                .rules("rules/mine.drl", MY_WIN_BACK));
        assertThat(p).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo("rules/mine.drl");
            assertThat(problem.line()).isEqualTo(7);
            assertThat(problem.message()).contains("has the id of a standard rule").contains("rules.win-back.enabled");
        });
    }

    @Test
    void aRuleDefinedInTwoFiles_namesTheSecondFileAndLineAndTheFirst() {
        String other = HEADER.replace("shop.rules", "other.rules") + "\n\n" + EngineTest.VIP_TAG.substring(HEADER.length());
        List<Problem> p = problems(Waymark.builder().rules("rules/a.drl", EngineTest.VIP_TAG).rules("rules/b.drl", other));
        assertThat(p).containsExactly(new Problem("rules/b.drl", 9,
                "rule \"vip-tag\" is already defined at rules/a.drl:7; rule names are rule ids and must be unique"));
    }

    @Test
    void aRuleNameThatSettingsCannotName_isAnErrorGivingTheSyntax() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                // tags big spenders
                rule "Vip Tag!" @dueTimes
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                end
                """);
        assertThat(p).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo("rules/vip.drl");
            assertThat(problem.line()).isEqualTo(8);
            assertThat(problem.message()).startsWith("rule \"Vip Tag!\" cannot be named in settings")
                    .contains("[a-z][a-z0-9-]*").endsWith("for example \"vip-tag\"");
        });
    }

    @Test
    void aJourneyWithTheIdOfACustomRule_namesTheRulesFileAndLine() {
        String journey = JourneyValidationTest.journey("vip-tag", "{\"event\":\"order.placed\"}", JourneyValidationTest.OK_STEPS);
        List<Problem> p = problems(Waymark.builder().rules("rules/vip.drl", EngineTest.VIP_TAG).journey("flows/vip.json", journey));
        assertThat(p).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo("flows/vip.json");
            assertThat(problem.message()).contains("'vip-tag' is already the id of a rule (rules/vip.drl:7)");
        });
    }

    @Test
    void everyMistakeOfAFile_isReportedInOneGo_inLineOrder() {
        List<Problem> p = problems("rules/vip.drl", HEADER + """
                rule "Vip" @dueTime
                when
                    $c : Contact( totalSpent >= 1000 )
                then
                    int n = $c.orderCont();
                end
                """);
        assertThat(p).extracting(Problem::line).containsExactly(7, 7, 11);
    }
}

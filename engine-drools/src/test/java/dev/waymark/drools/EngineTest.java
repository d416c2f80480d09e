package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.InvalidSettingsException;
import dev.waymark.JourneyEngine;
import dev.waymark.RuleCompilationException;
import dev.waymark.Settings;
import dev.waymark.WaymarkException;
import dev.waymark.drools.testing.JourneyScenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine as a host and a rule author use it: custom DRL, errors, bulk runs, ids and order. */
class EngineTest {

    static final JourneyEngine STANDARD = StandardRulesTest.ENGINE;

    static final String HEADER = """
            package shop.rules;
            import dev.waymark.Contact;
            import dev.waymark.Channel;
            import java.time.Duration;
            import java.util.Map;
            global dev.waymark.drools.RuleContext waymark;
            """;

    static final String VIP_TAG = HEADER + """
            rule "vip-tag" @dueTimes
            when
                $c : Contact( totalSpent >= 1000 )
            then
                waymark.emit($c, "tag.add", "once", Map.of("tag", "vip"));
            end
            """;

    static Event event(String id, String contact, String type, String at, Map<String, Object> props) {
        return new Event(id, contact, type, Instant.parse(at), props);
    }

    @Test
    void actionId_isSha256OfContactRuleTypeKey() throws Exception {
        Action a = JourneyScenario.with(STANDARD, "c-42")
                .event("order.placed", "2026-03-01T10:00:00Z", "orderId", "o-1", "amount", 5.0)
                .evaluateAt("2026-03-01T10:00:00Z").ofRule("ad-exclusion").action("audience.remove");
        byte[] sha = MessageDigest.getInstance("SHA-256")
                .digest("c-42\nad-exclusion\naudience.remove\nonce".getBytes(StandardCharsets.UTF_8));
        assertThat(a.id()).isEqualTo(HexFormat.of().formatHex(sha, 0, 16)).hasSize(32);
    }

    @Test
    void actions_areOrderedByRuleTypeKey() {
        List<Action> actions = JourneyScenario.with(STANDARD)
                .event("order.placed", "2026-03-01T10:00:00Z", "orderId", "o-1", "amount", 600.0)
                .evaluateAt("2026-03-01T10:00:00Z").actions();
        assertThat(actions).extracting(a -> a.rule() + " " + a.type()).containsExactly(
                "ad-exclusion audience.remove", "loyalty-reward coupon.issue", "loyalty-reward tag.add",
                "stage-progression stage.set");
    }

    @Test
    void customRule_firesBesideStandardRules_once() {
        JourneyEngine engine = Waymark.builder().rules("vip.drl", VIP_TAG).build();
        assertThat(engine.ruleIds()).contains("vip-tag", "win-back");
        JourneyScenario s = JourneyScenario.with(engine)
                .event("order.placed", "2026-03-01T10:00:00Z", "orderId", "o-1", "amount", 1200.0);
        s.evaluateAt("2026-03-01T10:00:00Z").ofRule("vip-tag").expectExactly("tag.add once");
        assertThat(s.state().contact().tags()).contains("vip");
        s.evaluateAt("2026-03-02T10:00:00Z").ofRule("vip-tag").expectNothing();
    }

    @Test
    void customRuleFromFile_compilesFromPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vip.drl");
        Files.writeString(file, VIP_TAG);
        assertThat(Waymark.builder().rules(file).build().ruleIds()).contains("vip-tag");
    }

    @Test
    void missingRuleFile_namesTheFile(@TempDir Path dir) {
        assertThatThrownBy(() -> Waymark.builder().rules(dir.resolve("nope.drl")))
                .isInstanceOf(WaymarkException.class).hasMessageContaining("nope.drl");
    }

    @Test
    void brokenDrl_namesFileAndLine() {
        String broken = HEADER + """
                rule "broken"
                when
                    $c : NoSuchFact( )
                then
                end
                """;
        assertThatThrownBy(() -> Waymark.builder().rules("rules/broken.drl", broken).build())
                .isInstanceOfSatisfying(RuleCompilationException.class, e -> {
                    assertThat(e.problems()).isNotEmpty();
                    assertThat(e.problems().get(0).file()).isEqualTo("rules/broken.drl");
                    assertThat(e.problems().get(0).line()).isEqualTo(9);
                    assertThat(e.getMessage()).contains("rules/broken.drl:9").contains("NoSuchFact");
                });
    }

    @Test
    void drlSyntaxError_namesFileAndLine() {
        String broken = HEADER + "rule \"x\"\nwhen\n    $c : Contact( \nthen\nend\n";
        assertThatThrownBy(() -> Waymark.builder().rules("bad-syntax.drl", broken).build())
                .isInstanceOfSatisfying(RuleCompilationException.class,
                        e -> assertThat(e.problems()).anySatisfy(p -> {
                            assertThat(p.file()).isEqualTo("bad-syntax.drl");
                            assertThat(p.line()).isBetween(8, 11);
                        }));
    }

    @Test
    void duplicateRuleId_isRejected() {
        String clash = HEADER.replace("shop.rules", "other.rules") + VIP_TAG.substring(HEADER.length());
        assertThatThrownBy(() -> Waymark.builder().rules("a.drl", VIP_TAG).rules("b.drl", clash).build())
                .isInstanceOf(RuleCompilationException.class).hasMessageContaining("vip-tag");
    }

    @Test
    void settingsNamingAnUnknownRule_areRejectedAtBuild() {
        Settings s = Settings.builder().disable("vip-tagg").build();
        assertThatThrownBy(() -> Waymark.builder().settings(s).rules("vip.drl", VIP_TAG).build())
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.key()).isEqualTo("rules.vip-tagg"));
    }

    @Test
    void customRuleCanBeSwitchedOff() {
        Settings off = Settings.builder().disable("vip-tag").build();
        JourneyEngine engine = Waymark.builder().settings(off).rules("vip.drl", VIP_TAG).build();
        assertThat(engine.ruleIds()).doesNotContain("vip-tag");
    }

    @Test
    void messageWithoutConsent_isDropped_otherActionsKept() {
        String both = HEADER + """
                rule "promo" @dueTimes
                when
                    $c : Contact( count("promo.seen") > 0 )
                then
                    waymark.emit($c, "sms.send", "p1", Map.of("template", "promo"));
                    waymark.emit($c, "tag.add", "p1", Map.of("tag", "promo"));
                end
                """;
        JourneyEngine engine = Waymark.builder().rules("promo.drl", both).build();
        JourneyScenario s = JourneyScenario.with(engine).event("promo.seen", "2026-03-01T10:00:00Z");
        s.evaluateAt("2026-03-01T10:00:00Z").ofRule("promo").expectExactly("tag.add p1");
        // consent given later: the message, never emitted, now goes out
        s.event("subscribed", "2026-03-02T10:00:00Z", "channel", "sms");
        s.evaluateAt("2026-03-02T10:00:00Z").ofRule("promo").expectExactly("sms.send p1");
    }

    @Test
    void customRuleWithoutDueTimes_keepsContactsAlwaysDue() {
        String undeclared = HEADER + """
                rule "noon-ping"
                when
                    $c : Contact( waymark.now().toString().endsWith("T12:00:00Z") )
                then
                    waymark.emit($c, "task.create", waymark.now().toString(), Map.of("kind", "ping"));
                end
                """;
        JourneyEngine engine = Waymark.builder().rules("ping.drl", undeclared).build();
        JourneyScenario s = JourneyScenario.with(engine).event("page.viewed", "2026-03-01T10:00:00Z");
        s.evaluateAt("2026-03-01T10:00:00Z").expectWakeUp("2026-03-01T10:00:00Z");
        Evaluation noon = engine.evaluate(s.state(), Instant.parse("2026-03-01T12:00:00Z"));
        assertThat(noon.skipped()).isFalse();
        assertThat(noon.actions()).extracting(Action::rule).containsExactly("noon-ping");
    }

    @Test
    void ruleThrowingForOneContact_doesNotStopBulk() {
        String fragile = HEADER + """
                rule "fragile" @dueTimes
                when
                    $c : Contact( )
                then
                    if ($c.id().equals("boom")) { throw new IllegalStateException("cannot handle " + $c.id()); }
                    waymark.emit($c, "tag.add", "ok", Map.of("tag", "ok"));
                end
                """;
        JourneyEngine engine = Waymark.builder().rules("fragile.drl", fragile).build();
        List<ContactState> states = new ArrayList<>();
        for (String id : List.of("a", "boom", "c")) {
            states.add(ContactState.empty(id).withEvents(List.of(event(id + "-1", id, "page.viewed", "2026-03-01T10:00:00Z", Map.of()))));
        }
        List<Evaluation> out = new ArrayList<>();
        BulkSummary summary = engine.evaluateAll(states, Instant.parse("2026-03-01T10:00:00Z"), out::add);
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.contactId()).isEqualTo("boom");
            assertThat(f.rule()).isEqualTo("fragile");
            assertThat(f.message()).contains("cannot handle boom");
        });
        assertThat(out.get(0).actions()).extracting(Action::rule).contains("fragile");
        assertThat(out.get(2).actions()).extracting(Action::rule).contains("fragile");
        // the failing contact is rolled back whole: its event is still pending, nothing was emitted
        assertThat(out.get(1).actions()).isEmpty();
        assertThat(out.get(1).state()).isEqualTo(states.get(1));
    }

    @Test
    void ruleThrowingInItsCondition_failsOnlyThatContact() {
        String fragile = HEADER + """
                rule "fragile-condition" @dueTimes
                when
                    $c : Contact( attribute("boom").length() > 0 )
                then
                    waymark.emit($c, "tag.add", "ok", Map.of("tag", "ok"));
                end
                """;
        JourneyEngine engine = Waymark.builder().rules("fragile.drl", fragile).build();
        List<ContactState> states = new ArrayList<>();
        for (String id : List.of("a", "b")) {
            Map<String, Object> attrs = id.equals("a") ? Map.of("attributes", Map.of("boom", "x")) : Map.of();
            states.add(ContactState.empty(id).withEvents(List.of(event(id + "-1", id, "contact.updated", "2026-03-01T10:00:00Z", attrs))));
        }
        List<Evaluation> out = new ArrayList<>();
        BulkSummary summary = engine.evaluateAll(states, Instant.parse("2026-03-01T10:00:00Z"), out::add);
        assertThat(summary.failures()).singleElement().satisfies(f -> assertThat(f.contactId()).isEqualTo("b"));
        assertThat(out.get(0).actions()).extracting(Action::rule).contains("fragile-condition");
    }

    @Test
    void parallelBulk_deliversInInputOrder() {
        List<ContactState> states = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String id = String.format("c-%04d", i);
            states.add(ContactState.empty(id).withEvents(List.of(event(id + "-e", id, "page.viewed", "2026-03-01T10:00:00Z", Map.of()))));
        }
        List<String> seen = new ArrayList<>();
        BulkSummary summary = STANDARD.evaluateAll(states, Instant.parse("2026-03-01T10:00:00Z"), e -> seen.add(e.state().contactId()), 2);
        assertThat(seen).isEqualTo(states.stream().map(ContactState::contactId).toList());
        assertThat(summary.actions()).isEqualTo(1000);
    }

    @Test
    void bulkRun_skipsContactsWithNothingDue() {
        List<ContactState> states = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = "c-" + i;
            states.add(STANDARD.evaluate(ContactState.empty(id).withEvents(List.of(
                    event(id + "-e", id, "page.viewed", "2026-03-01T10:00:00Z", Map.of()))), Instant.parse("2026-03-01T10:00:00Z")).state());
        }
        BulkSummary summary = STANDARD.evaluateAll(states, Instant.parse("2026-03-02T10:00:00Z"), e -> { });
        assertThat(summary.skipped()).isEqualTo(10);
        assertThat(summary.actions()).isZero();
    }

    @Test
    void futureEvent_waitsAndWakesTheContact() {
        JourneyScenario s = JourneyScenario.with(STANDARD).event("page.viewed", "2026-03-05T10:00:00Z");
        s.evaluateAt("2026-03-01T10:00:00Z").expectNothing().expectWakeUp("2026-03-05T10:00:00Z");
        assertThat(s.state().pending()).hasSize(1);
        s.evaluateAt("2026-03-05T10:00:00Z").ofRule("stage-progression").expectExactly("stage.set none>awareness@2026-03-05T10:00:00Z");
        assertThat(s.state().pending()).isEmpty();
    }
}

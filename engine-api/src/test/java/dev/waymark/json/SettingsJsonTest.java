package dev.waymark.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.InvalidSettingsException;
import dev.waymark.Settings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Settings (docs/settings-and-policies.md): defaults, values, and errors that name the key. */
class SettingsJsonTest {

    @Test
    void documentedExample_setsWhatItSays_andKeepsDefaults() {
        Settings s = WaymarkJson.readSettings("""
                {"rules":{"abandoned-cart":{"enabled":true,"afterHours":4,"maxAgeHours":72},
                          "win-back":{"days":60}}}""");
        assertThat(s.duration("win-back", "days")).isEqualTo(Duration.ofDays(60));
        assertThat(s.duration("abandoned-cart", "afterHours")).isEqualTo(Duration.ofHours(4));
        assertThat(s.number("win-back", "vipSpent")).isEqualTo(500.0);
        assertThat(s.durations("welcome-series", "delaysHours"))
                .isEqualTo(List.of(Duration.ZERO, Duration.ofHours(48), Duration.ofHours(120)));
        assertThat(s.enabled("cross-sell")).isTrue();
    }

    @Test
    void emptyObject_isTheDefaults() {
        assertThat(WaymarkJson.readSettings("{}")).isEqualTo(Settings.defaults());
    }

    @Test
    void ruleSwitchedOff() {
        assertThat(WaymarkJson.readSettings("{\"rules\":{\"win-back\":{\"enabled\":false}}}").enabled("win-back")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top-level key   | {\"rulez\":{}}                                          | rulez",
        "rules not an object     | {\"rules\":[]}                                          | rules",
        "unknown parameter       | {\"rules\":{\"win-back\":{\"dayz\":3}}}                 | rules.win-back.dayz",
        "param of unknown rule   | {\"rules\":{\"win-bak\":{\"days\":3}}}                  | rules.win-bak.days",
        "wrong kind              | {\"rules\":{\"win-back\":{\"days\":\"soon\"}}}          | rules.win-back.days",
        "negative                | {\"rules\":{\"abandoned-cart\":{\"afterHours\":-1}}}    | rules.abandoned-cart.afterHours",
        "not an integer          | {\"rules\":{\"unopened-campaigns\":{\"streak\":2.5}}}   | rules.unopened-campaigns.streak",
        "percent over 100        | {\"rules\":{\"loyalty-reward\":{\"percent\":150}}}     | rules.loyalty-reward.percent",
        "enabled not boolean     | {\"rules\":{\"win-back\":{\"enabled\":\"yes\"}}}       | rules.win-back.enabled",
        "empty delays            | {\"rules\":{\"welcome-series\":{\"delaysHours\":[]}}}  | rules.welcome-series.delaysHours",
        "bad delay element       | {\"rules\":{\"welcome-series\":{\"delaysHours\":[0,\"x\"]}}} | rules.welcome-series.delaysHours[1]",
        "window not after delay  | {\"rules\":{\"abandoned-cart\":{\"afterHours\":10,\"maxAgeHours\":5}}} | rules.abandoned-cart.maxAgeHours",
        "review window too long  | {\"rules\":{\"review-request\":{\"windowDays\":179}}}   | rules.review-request.windowDays",
        "not JSON                | {rules                                                  | (file)",
    })
    void badSettings_nameTheKey(String what, String json, String key) {
        assertThatThrownBy(() -> WaymarkJson.readSettings(json.strip()))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> {
                    assertThat(e.key()).isEqualTo(key.strip());
                    assertThat(e.getMessage()).contains(key.strip());
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty file       | ''       | settings (file): empty; settings are a JSON object, {} for the defaults",
        "only whitespace  | '  \n  ' | settings (file): empty; settings are a JSON object, {} for the defaults",
        "null             | null     | settings (file): settings must be a JSON object ({} for the defaults), was null",
        "an array         | []       | settings (file): settings must be a JSON object ({} for the defaults), was array",
    })
    void emptyOrNullSettings_areAnError_notTheDefaults(String what, String json, String message) {
        assertThatThrownBy(() -> WaymarkJson.readSettings(json.replace("\\n", "\n")))
                .isInstanceOf(InvalidSettingsException.class).hasMessage(message);
    }

    @Test
    void jsonSyntaxError_namesLineAndColumn() {
        assertThatThrownBy(() -> WaymarkJson.readSettings("{\"rules\":{\n  \"win-back\": {\"days\": 60,}\n}}"))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.key()).isEqualTo("(file)"))
                .hasMessageStartingWith("settings (file): line 2, column 27: not valid JSON: ");
    }

    @Test
    void ruleNamedWithNothingSet_isMentioned_soTheEngineCanRejectAnUnknownOne() {
        Settings s = WaymarkJson.readSettings("{\"rules\":{\"abandoned-kart\":{}}}");
        assertThat(s.mentionedRules()).containsExactly("abandoned-kart");
        assertThat(s).isEqualTo(Settings.defaults()); // it changes no behaviour
    }

    @Test
    void parameterOfAMisspeltStandardRule_suggestsTheRule() {
        assertThatThrownBy(() -> WaymarkJson.readSettings("{\"rules\":{\"win-bak\":{\"days\":3}}}"))
                .hasMessageStartingWith("settings rules.win-bak.days: 'win-bak' is no standard rule (did you mean win-back?)");
    }

    @Test
    void builder_rejectsBadValueAtOnce_quotingIt() {
        assertThatThrownBy(() -> Settings.builder().param("win-back", "days", Duration.ofDays(-2)))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("rules.win-back.days").hasMessageContaining("PT-48H");
    }
}

package dev.waymark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.waymark.Settings.Policies;
import dev.waymark.json.WaymarkJson;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The experiment bucketing of docs/settings-and-policies.md: the same contact lands in the same arm everywhere, and arms follow the weights. */
class ExperimentTest {

    static final Policies.Experiment TEN_PERCENT_HOLDOUT_AB = new Policies.Experiment(10,
            List.of(new Policies.Variant("A", 50), new Policies.Variant("B", 50)));

    @Test
    void bucket_isFirstEightBytesOfSha256_unsigned_mod10000() {
        // Expected values computed independently (Python hashlib) from the definition in docs/settings-and-policies.md.
        assertThat(Policies.Experiment.bucket("c-42", "win-back")).isEqualTo(5557);
        assertThat(Policies.Experiment.bucket("c-1", "abandoned-cart")).isEqualTo(6299);
        assertThat(Policies.Experiment.bucket("alice@example.com", "win-back")).isEqualTo(6061);
    }

    @Test
    void arms_splitBucketsAtTheDocumentedBoundaries() {
        // H = 1000; N = 9000; A takes r in [0, 4500), B takes [4500, 9000)
        assertThat(TEN_PERCENT_HOLDOUT_AB.armOfBucket(999)).isEqualTo("holdout");
        assertThat(TEN_PERCENT_HOLDOUT_AB.armOfBucket(1000)).isEqualTo("A");
        assertThat(TEN_PERCENT_HOLDOUT_AB.armOfBucket(5499)).isEqualTo("A");
        assertThat(TEN_PERCENT_HOLDOUT_AB.armOfBucket(5500)).isEqualTo("B");
        assertThat(TEN_PERCENT_HOLDOUT_AB.armOfBucket(9999)).isEqualTo("B");
    }

    @Test
    void holdoutPercent_isReadInDecimal_soHundredthsAreExact() {
        // floor(0.29 × 100) = 29; in binary floating point 0.29 × 100 is 28.999999999999996
        Policies.Experiment e = new Policies.Experiment(0.29, List.of(new Policies.Variant("A", 1)));
        assertThat(e.armOfBucket(28)).isEqualTo("holdout");
        assertThat(e.armOfBucket(29)).isEqualTo("A");
    }

    @Test
    void unevenWeights_floorTheCumulativeBoundaries() {
        // no holdout, N = 10000, weights 1:2 → A takes [0, floor(10000/3) = 3333), B the rest
        Policies.Experiment e = new Policies.Experiment(0, List.of(new Policies.Variant("A", 1), new Policies.Variant("B", 2)));
        assertThat(e.armOfBucket(3332)).isEqualTo("A");
        assertThat(e.armOfBucket(3333)).isEqualTo("B");
    }

    @Test
    void zeroWeightVariant_getsNobody() {
        Policies.Experiment e = new Policies.Experiment(0, List.of(new Policies.Variant("off", 0), new Policies.Variant("on", 1)));
        for (int b = 0; b < Policies.Experiment.BUCKETS; b++) {
            assertThat(e.armOfBucket(b)).isEqualTo("on");
        }
    }

    @Test
    void armSizes_over100kContacts_matchTheWeights() {
        Policies.Experiment e = new Policies.Experiment(20, List.of(new Policies.Variant("A", 30), new Policies.Variant("B", 50)));
        int n = 100_000;
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(e.arm("contact-" + i, "win-back"), 1, Integer::sum);
        }
        // expected shares: holdout 20 %, A 80 % × 30/80 = 30 %, B 50 %; allow 5 standard deviations
        Map<String, Double> expected = Map.of("holdout", 0.20, "A", 0.30, "B", 0.50);
        expected.forEach((arm, p) -> {
            double sd = Math.sqrt(n * p * (1 - p));
            assertThat((double) counts.get(arm)).as(arm).isCloseTo(n * p, org.assertj.core.data.Offset.offset(5 * sd));
        });
        assertThat(counts.keySet()).containsExactlyInAnyOrder("holdout", "A", "B");
    }

    @Test
    void armsOfTwoRules_areIndependent() {
        // a contact held out of one rule's experiment is not thereby held out of another's
        int n = 100_000;
        int both = 0;
        for (int i = 0; i < n; i++) {
            String c = "contact-" + i;
            if (TEN_PERCENT_HOLDOUT_AB.arm(c, "win-back").equals("holdout") && TEN_PERCENT_HOLDOUT_AB.arm(c, "cross-sell").equals("holdout")) {
                both++;
            }
        }
        double p = 0.01; // 10 % × 10 %
        assertThat((double) both).isCloseTo(n * p, org.assertj.core.data.Offset.offset(5 * Math.sqrt(n * p * (1 - p))));
    }

    @Test
    void settings_parseExperimentsAndConversion() {
        Settings s = WaymarkJson.readSettings("""
                {"policies":{"experiments":{"win-back":{"holdoutPercent":10,"variants":[{"name":"A","weight":50},{"name":"B","weight":50}]}},
                             "conversion":{"event":"review.submitted","hours":24}}}""");
        assertThat(s.policies().experiments().get("win-back")).isEqualTo(TEN_PERCENT_HOLDOUT_AB);
        assertThat(s.policies().conversion().event()).isEqualTo("review.submitted");
        assertThat(s.policies().conversion().window()).isEqualTo(java.time.Duration.ofHours(24));
    }

    @Test
    void settings_holdoutOnly_givesTheRestOneTreatmentArm() {
        Settings s = WaymarkJson.readSettings("{\"policies\":{\"experiments\":{\"win-back\":{\"holdoutPercent\":5}}}}");
        assertThat(s.policies().experiments().get("win-back").variants()).extracting(Policies.Variant::name).containsExactly("treatment");
    }

    @Test
    void settings_conversionDefaults_areOrderPlacedWithin72Hours() {
        assertThat(Settings.defaults().policies().conversion()).isEqualTo(Policies.Conversion.DEFAULT);
        assertThat(Policies.Conversion.DEFAULT.event()).isEqualTo("order.placed");
        assertThat(Policies.Conversion.DEFAULT.window()).isEqualTo(java.time.Duration.ofHours(72));
    }

    @Test
    void settings_badHoldoutPercent_namesTheKey() {
        assertThatThrownBy(() -> WaymarkJson.readSettings("{\"policies\":{\"experiments\":{\"win-back\":{\"holdoutPercent\":120}}}}"))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("policies.experiments.win-back.holdoutPercent")
                .hasMessageContaining("120");
    }

    @Test
    void settings_variantNamedHoldout_isRejected() {
        assertThatThrownBy(() -> WaymarkJson.readSettings(
                "{\"policies\":{\"experiments\":{\"win-back\":{\"variants\":[{\"name\":\"holdout\",\"weight\":1}]}}}}"))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("policies.experiments.win-back.variants[0].name");
    }

    @Test
    void settings_duplicateVariantNames_areRejected() {
        assertThatThrownBy(() -> WaymarkJson.readSettings(
                "{\"policies\":{\"experiments\":{\"win-back\":{\"variants\":[{\"name\":\"A\"},{\"name\":\"A\"}]}}}}"))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("used twice");
    }

    @Test
    void settings_allWeightsZero_isRejected() {
        assertThatThrownBy(() -> WaymarkJson.readSettings(
                "{\"policies\":{\"experiments\":{\"win-back\":{\"variants\":[{\"name\":\"A\",\"weight\":0}]}}}}"))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("policies.experiments.win-back.variants");
    }

    @Test
    void settings_unknownConversionKey_namesIt() {
        assertThatThrownBy(() -> WaymarkJson.readSettings("{\"policies\":{\"conversion\":{\"days\":3}}}"))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("policies.conversion.days");
    }
}

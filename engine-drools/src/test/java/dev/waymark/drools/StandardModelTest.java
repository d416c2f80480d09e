package dev.waymark.drools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.internal.StandardRules;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build generates the standard rules' executable model, and the engine uses it only for the DRL it came from. */
class StandardModelTest {

    private static List<RuleSource> standard() {
        List<RuleSource> sources = new ArrayList<>();
        for (String id : StandardRules.ids()) {
            sources.add(RulesetCompiler.standardRule(id));
        }
        return sources;
    }

    @Test
    void theShippedDrl_loadsFromTheGeneratedModel() {
        assertThat(StandardModel.matching(standard())).as("executable model for the shipped DRL").isNotNull();
    }

    @Test
    void editedDrl_fallsBackToTheDrlCompiler() {
        List<RuleSource> sources = standard();
        RuleSource first = sources.get(0);
        sources.set(0, new RuleSource(first.name(), first.drl() + "\n// edited\n"));
        assertThat(StandardModel.matching(sources)).isNull();
    }
}

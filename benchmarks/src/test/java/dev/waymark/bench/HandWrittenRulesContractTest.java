package dev.waymark.bench;

import dev.waymark.Settings;
import dev.waymark.drools.Waymark;
import dev.waymark.drools.contract.EngineContract;

/** The hand-written Java baseline gives the Drools engine's actions and wake-ups over random shop histories. */
class HandWrittenRulesContractTest extends EngineContract {
    @Override
    protected EngineUnderTest engine(Settings settings) {
        String rulesetId = Waymark.builder().settings(settings).build().rulesetId();
        return bulk(HandWrittenRules.engine(settings, rulesetId, 128), 1);
    }
}

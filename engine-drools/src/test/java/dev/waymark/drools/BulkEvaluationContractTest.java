package dev.waymark.drools;

import dev.waymark.Settings;
import dev.waymark.drools.contract.EngineContract;

/** The Drools engine's bulk path on one thread, skipping contacts not due, against the one-by-one reference. */
class BulkEvaluationContractTest extends EngineContract {
    @Override
    protected EngineUnderTest engine(Settings settings) {
        return bulk(Waymark.builder().settings(settings).build(), 1);
    }
}

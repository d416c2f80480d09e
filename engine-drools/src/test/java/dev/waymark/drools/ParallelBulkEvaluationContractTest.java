package dev.waymark.drools;

import dev.waymark.Settings;
import dev.waymark.drools.contract.EngineContract;

/** The Drools engine's bulk path on two threads against the one-by-one reference. */
class ParallelBulkEvaluationContractTest extends EngineContract {
    @Override
    protected EngineUnderTest engine(Settings settings) {
        return bulk(Waymark.builder().settings(settings).build(), 2);
    }
}

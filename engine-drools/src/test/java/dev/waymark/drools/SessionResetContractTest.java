package dev.waymark.drools;

import dev.waymark.Settings;
import dev.waymark.drools.contract.EngineContract;

/**
 * The bulk path with every batch, however small, leaving its pooled session by a reset (the way full batches
 * do), against the one-by-one reference: a reset session carries nothing of one batch into the next, and the
 * context it hands rules is set again. The histories are small, so with the default threshold their batches
 * would all be cleared fact by fact.
 */
class SessionResetContractTest extends EngineContract {
    @Override
    protected EngineUnderTest engine(Settings settings) {
        return bulk(Waymark.builder().settings(settings).sessionResetFrom(1).build(), 1);
    }
}

package dev.waymark.kafka;

import dev.waymark.JourneyEngine;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link WaymarkProcessor} needs to know, fixed when the topology is built. Immutable.
 *
 * @param engine               the engine shared by every task (thread-safe)
 * @param eventsTopic          the input topic
 * @param actionsTopic         the actions topic
 * @param deadLetterTopic      the dead-letter topic
 * @param punctuateEvery       wall-clock interval of the due-contact punctuator
 * @param retryFailuresAfter   delay before a failed contact is evaluated again without a new event
 * @param maxDuePerPunctuation most contacts one punctuation evaluates
 * @param contactsStore        name of the contact-state store
 * @param wakeUpsStore         name of the due-time index store
 * @param actionsNode          name of the actions sink node
 * @param deadLettersNode      name of the dead-letter sink node
 */
record ProcessorSettings(JourneyEngine engine, String eventsTopic, String actionsTopic, String deadLetterTopic,
                                Duration punctuateEvery, Duration retryFailuresAfter, int maxDuePerPunctuation,
                                String contactsStore, String wakeUpsStore, String actionsNode, String deadLettersNode) {
    public ProcessorSettings {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(eventsTopic, "eventsTopic");
        Objects.requireNonNull(actionsTopic, "actionsTopic");
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        Objects.requireNonNull(punctuateEvery, "punctuateEvery");
        Objects.requireNonNull(retryFailuresAfter, "retryFailuresAfter");
        Objects.requireNonNull(contactsStore, "contactsStore");
        Objects.requireNonNull(wakeUpsStore, "wakeUpsStore");
        Objects.requireNonNull(actionsNode, "actionsNode");
        Objects.requireNonNull(deadLettersNode, "deadLettersNode");
    }
}

package dev.waymark.kafka;

import java.util.List;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The processor's Kafka Streams metrics, one set per task: {@code <operation>-rate} and
 * {@code <operation>-total} in group {@code stream-waymark-metrics}, tagged {@code waymark-id=<task id>}.
 * Operations: {@code events} (records read), {@code evaluations} (contacts handed to the engine, by event or
 * by wake-up), {@code wake-ups} (contacts evaluated because they were due), {@code actions},
 * {@code dead-letters}, {@code rule-failures} and {@code erasures} (contacts erased by a tombstone). Not
 * thread-safe: one per processor, on its stream thread.
 */
final class ProcessorMetrics {

    static final String SCOPE = "waymark";

    private final StreamsMetrics metrics;
    private final Sensor events;
    private final Sensor evaluations;
    private final Sensor wakeUps;
    private final Sensor actions;
    private final Sensor deadLetters;
    private final Sensor ruleFailures;
    private final Sensor erasures;

    ProcessorMetrics(StreamsMetrics metrics, String taskId) {
        this.metrics = metrics;
        this.events = sensor(taskId, "events");
        this.evaluations = sensor(taskId, "evaluations");
        this.wakeUps = sensor(taskId, "wake-ups");
        this.actions = sensor(taskId, "actions");
        this.deadLetters = sensor(taskId, "dead-letters");
        this.ruleFailures = sensor(taskId, "rule-failures");
        this.erasures = sensor(taskId, "erasures");
    }

    private Sensor sensor(String taskId, String operation) {
        return metrics.addRateTotalSensor(SCOPE, taskId, operation, Sensor.RecordingLevel.INFO);
    }

    void event() {
        events.record();
    }

    void evaluations(int n) {
        record(evaluations, n);
    }

    void wakeUps(int n) {
        record(wakeUps, n);
    }

    void actions(int n) {
        record(actions, n);
    }

    void deadLetter() {
        deadLetters.record();
    }

    void erasure() {
        erasures.record();
    }

    void ruleFailures(int n) {
        record(ruleFailures, n);
    }

    // Rate-total sensors count invocations, not recorded values: one call per item.
    private static void record(Sensor sensor, int n) {
        for (int i = 0; i < n; i++) {
            sensor.record();
        }
    }

    void close() {
        for (Sensor s : List.of(events, evaluations, wakeUps, actions, deadLetters, ruleFailures, erasures)) {
            metrics.removeSensor(s);
        }
    }
}

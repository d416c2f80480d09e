package dev.waymark.kafka.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Follows a topic from its beginning at one isolation level, keeping what it read. Not thread-safe. */
final class Tail implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    final List<Long> arrivals = new ArrayList<>();

    Tail(Broker broker, String topic, boolean readCommitted) {
        consumer = broker.consumer(readCommitted);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once (up to {@code wait}) and returns how many records were read so far. */
    int poll(Duration wait) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            records.add(r);
            arrivals.add(System.currentTimeMillis());
        }
        return records.size();
    }

    int poll() {
        return poll(Duration.ofMillis(100));
    }

    @Override
    public void close() {
        consumer.close();
    }
}

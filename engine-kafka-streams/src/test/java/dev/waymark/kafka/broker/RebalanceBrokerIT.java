package dev.waymark.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.Action;
import dev.waymark.Event;
import dev.waymark.json.WaymarkJson;
import dev.waymark.kafka.RamTempDirFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two instances of the application (separate JVMs) share the partitions; one is killed with SIGKILL while its
 * contacts wait for a timer. The survivor takes its tasks over and fires those timers at their wall-clock time,
 * once each.
 */
@Tag("broker")
class RebalanceBrokerIT extends BrokerTestSupport {

    private static final Logger LOG = LoggerFactory.getLogger("dev.waymark.kafka.test");
    static final int PARTITIONS = 4;
    static final int CONTACTS = 400;
    /** The custom rule's delay: long enough for the failover (session timeout 6 s) to finish first. */
    static final Duration DELAY = Duration.ofSeconds(30);
    /** How late a timed action may go out: the punctuation interval (500 ms) plus commit and scheduling slack. */
    static final Duration PUNCTUALITY = Duration.ofSeconds(5);

    /** A follow-up task 30 seconds after a visit started: a due time a test can wait for. */
    static final String FOLLOW_UP = """
            package test.rules;
            import dev.waymark.Contact;
            import java.time.Duration;
            import java.util.Map;
            global dev.waymark.drools.RuleContext waymark;
            rule "follow-up" @dueTimes
            when
                $c : Contact( count("visit.started") > 0,
                              waymark.due(this, lastAt("visit.started"), Duration.ofSeconds(30)) )
            then
                waymark.emit($c, "task.create", "follow-up", Map.of("kind", "call-back"));
            end
            """;

    @Test
    void instanceKilled_itsContactsTimersFireOnTheOther_onTime_once(
            @TempDir Path dir, @TempDir(factory = RamTempDirFactory.class) Path stateA,
            @TempDir(factory = RamTempDirFactory.class) Path stateB) throws Exception {
        String app = "rebalance";
        broker.createTopics(PARTITIONS, app + "-events", app + "-actions", app + "-dead-letters");
        Path rules = Files.writeString(dir.resolve("follow-up.drl"), FOLLOW_UP, StandardCharsets.UTF_8);

        try (StreamsProcess a = StreamsProcess.start("rebalance-a", CrashBrokerIT.LOGS, options(app, stateA, rules));
             StreamsProcess b = StreamsProcess.start("rebalance-b", CrashBrokerIT.LOGS, options(app, stateB, rules));
             Tail tail = new Tail(broker, app + "-actions", true)) {
            Broker.await(Duration.ofSeconds(90), "both instances running with two tasks each",
                    () -> a.running() && b.running() && a.tasks().size() == 2 && b.tasks().size() == 2);
            List<String> tasksOfB = b.tasks();
            LOG.info("rebalance: a has {}, b has {}", a.tasks(), tasksOfB);

            Map<String, Instant> visitAt = new LinkedHashMap<>();
            List<Map.Entry<String, String>> records = new ArrayList<>();
            for (int i = 0; i < CONTACTS; i++) {
                String c = "v-" + i;
                Instant at = Instant.now();
                visitAt.put(c, at);
                records.add(new SimpleEntry<>(c, WaymarkJson.write(new Event("visit-" + i, c, "visit.started", at, Map.of()))));
            }
            broker.produce(app + "-events", records);
            Broker.await(Duration.ofSeconds(30), "both instances to consume the visits",
                    () -> broker.caughtUp(app, app + "-events"));

            Instant killedAt = Instant.now();
            b.kill();
            LOG.info("rebalance: b killed with SIGKILL at {}, {} before the first visit is due", killedAt,
                    Duration.between(killedAt, visitAt.get("v-0").plus(DELAY)));
            Instant lastDue = visitAt.get("v-" + (CONTACTS - 1)).plus(DELAY);
            Broker.await(Duration.between(Instant.now(), lastDue).plus(Duration.ofSeconds(60)),
                    "every follow-up", () -> followUps(tail).size() >= CONTACTS);
            long settle = System.currentTimeMillis() + 3000; // anything repeated would show up now
            while (System.currentTimeMillis() < settle) {
                tail.poll();
            }
            assertThat(a.tasks()).as("a took b's tasks over").hasSize(PARTITIONS);

            List<Action> followUps = followUps(tail);
            Map<String, Integer> perContact = new HashMap<>();
            followUps.forEach(f -> perContact.merge(f.contactId(), 1, Integer::sum));
            assertThat(perContact).hasSize(CONTACTS).allSatisfy((c, n) -> assertThat(n).as(c).isEqualTo(1));

            int ofB = 0;
            long maxLateMillis = 0;
            for (Action f : followUps) {
                Instant due = visitAt.get(f.contactId()).plus(DELAY);
                assertThat(f.at()).as("%s evaluated at %s, due %s", f.contactId(), f.at(), due)
                        .isAfterOrEqualTo(due).isBefore(due.plus(PUNCTUALITY));
                maxLateMillis = Math.max(maxLateMillis, Duration.between(due, f.at()).toMillis());
                if (tasksOfB.contains("0_" + partitionOf(f.contactId()))) {
                    ofB++;
                    assertThat(f.at()).as("fired after b was killed, so by a").isAfter(killedAt);
                }
            }
            assertThat(ofB).as("contacts whose timers were b's").isGreaterThan(CONTACTS / 5);

            // Nothing repeated, of any rule, through the kill and the rebalance.
            Map<String, Integer> identities = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : tail.records) {
                identities.merge(r.key() + " " + ShopTraffic.identity(WaymarkJson.readAction(Broker.text(r))), 1, Integer::sum);
            }
            assertThat(identities.values()).allMatch(n -> n == 1);
            assertThat(broker.readAll(app + "-dead-letters", true)).isEmpty();
            LOG.info("rebalance: {} follow-ups, {} of them for b's contacts fired by a; at most {} ms after due",
                    followUps.size(), ofB, maxLateMillis);
        }
    }

    private static List<Action> followUps(Tail tail) {
        tail.poll();
        List<Action> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : tail.records) {
            Action a = WaymarkJson.readAction(Broker.text(r));
            if (a.rule().equals("follow-up")) {
                out.add(a);
            }
        }
        return out;
    }

    /** The partition the default partitioner puts a key in (murmur2 of its UTF-8 bytes). */
    static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static Map<String, String> options(String app, Path stateDir, Path rules) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("bootstrap", broker.bootstrapServers());
        o.put("app", app);
        o.put("state-dir", stateDir.toString());
        o.put("events", app + "-events");
        o.put("actions", app + "-actions");
        o.put("dead-letters", app + "-dead-letters");
        o.put("rules", rules.toString());
        o.put("punctuate-ms", "500");
        o.put("standbys", "1");
        o.put("session-timeout-ms", "6000");
        return o;
    }
}

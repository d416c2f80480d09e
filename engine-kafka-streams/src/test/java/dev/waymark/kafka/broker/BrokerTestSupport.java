package dev.waymark.kafka.broker;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A broker test class: one {@link Broker} for all its tests, started before the first and closed after the last. */
abstract class BrokerTestSupport {

    @TempDir
    static Path brokerDir;
    static Broker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = Broker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}

package dev.waymark.examples.host;

import dev.waymark.Action;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for a real mailer: logs each message it would send, and the other actions a host would apply
 * to its CRM, through SLF4J. Counts what it saw per rule and type. Not thread-safe: one scheduler thread.
 */
public final class LoggingMailer implements ActionSink {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingMailer.class);

    private final Map<String, Integer> counts = new TreeMap<>();

    @Override
    public void deliver(Action a) {
        counts.merge(a.rule() + " " + a.type(), 1, Integer::sum);
        if (a.messageChannel() != null) {
            LOG.info("{} to {} ({}): {} [action {}]", a.type(), a.contactId(), a.rule(), new TreeMap<>(a.params()), a.id());
        } else {
            LOG.debug("{} for {} ({}): {}", a.type(), a.contactId(), a.rule(), new TreeMap<>(a.params()));
        }
    }

    /** How many actions arrived, by {@code "rule type"}. */
    public Map<String, Integer> counts() {
        return java.util.Collections.unmodifiableMap(counts);
    }

    /** How many actions arrived in all. */
    public int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}

package dev.waymark.drools;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Notices a rule that does not return: one daemon thread per engine, started when a batch begins and gone
 * again after a while with nothing to watch, that looks at every session's {@link DroolsRuleContext} a few
 * times per time limit. When one has started no new firing for longer than the limit, the watchdog interrupts
 * its thread; when the thread still has not returned a tick later, the watchdog gives it up: its
 * {@link Waymark.RunawayRuleException} is then the answer of {@link #lost(Thread)}, which a pass waiting for
 * that thread throws, and the exception the thread itself throws should the rule ever return.
 *
 * <p>The evaluating side pays a volatile write when a batch begins, a compare-and-set when it ends and a plain
 * (release) store per firing; all timing is the watchdog's own. Thread-safe.
 */
final class Watchdog implements Runnable {

    private final long limitNanos;
    private final long tickMillis;
    private final long idleNanos;
    private final String limitText;
    private final CopyOnWriteArrayList<DroolsRuleContext> watched = new CopyOnWriteArrayList<>();
    private final Map<Thread, Waymark.RunawayRuleException> lost = new ConcurrentHashMap<>();
    /** Whether a watchdog thread runs; written under {@code this}' lock, read without it once per batch. */
    private volatile boolean running;

    /** What the watchdog saw of one context at its last look. Confined to the watchdog thread. */
    private static final class Seen {
        long state;
        int fired;
        long since;
        Waymark.RunawayRuleException runaway;
    }

    Watchdog(Duration limit) {
        this.limitNanos = limit.toNanos();
        // A few looks per limit, but neither busy nor sleepy.
        this.tickMillis = Math.max(5, Math.min(1000, limit.toMillis() / 4));
        // Gone soon when idle: an engine that is dropped must not be kept alive by its watchdog for long, and
        // starting a thread again costs less than a batch.
        this.idleNanos = Duration.ofSeconds(2).toNanos();
        this.limitText = text(limit);
    }

    /** A limit as a person writes it: 200 ms, 30 s, 1.5 s. */
    static String text(Duration d) {
        return d.toMillis() < 1000 ? d.toMillis() + " ms" : d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    /** Watches {@code context} from now on (a new session). */
    void register(DroolsRuleContext context) {
        watched.add(context);
    }

    /** Stops watching {@code context} (its session is disposed). */
    void unregister(DroolsRuleContext context) {
        watched.remove(context);
    }

    /** Called after a context published a running batch: makes sure a watchdog thread looks at it. */
    void batchStarted() {
        if (!running) {
            start();
        }
    }

    /** The reason {@code worker} cannot finish its batch, or null. */
    Waymark.RunawayRuleException lost(Thread worker) {
        return lost.get(worker);
    }

    /** Forgets {@code worker}: the rule it was given up on has returned after all. */
    Waymark.RunawayRuleException returned(Thread worker) {
        return lost.remove(worker);
    }

    private synchronized void start() {
        if (!running) {
            running = true;
            Thread t = new Thread(this, "waymark-watchdog");
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public void run() {
        Map<DroolsRuleContext, Seen> seen = new IdentityHashMap<>();
        long idleSince = System.nanoTime();
        while (true) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                synchronized (this) {
                    running = false;
                }
                return;
            }
            long now = System.nanoTime();
            if (look(seen, now)) {
                idleSince = now;
            } else if (now - idleSince > idleNanos) {
                // Nothing to watch for a while: end, unless a batch began meanwhile. The batch side writes its
                // state, then reads running; this side writes running, then reads the states: one sees the other.
                synchronized (this) {
                    running = false;
                }
                if (!anyRunning()) {
                    return;
                }
                synchronized (this) {
                    if (running) {
                        return; // a batch started another watchdog already
                    }
                    running = true;
                }
                idleSince = now;
            }
        }
    }

    private boolean anyRunning() {
        for (DroolsRuleContext c : watched) {
            if (c.watchState() != DroolsRuleContext.IDLE) {
                return true;
            }
        }
        return false;
    }

    /** One look at every context; whether any was busy. */
    private boolean look(Map<DroolsRuleContext, Seen> seen, long now) {
        boolean busy = false;
        seen.keySet().retainAll(watched);
        for (DroolsRuleContext c : watched) {
            long state = c.watchState();
            if (state == DroolsRuleContext.IDLE || state == DroolsRuleContext.ABANDONED) {
                seen.remove(c);
                continue;
            }
            busy = true;
            Seen s = seen.computeIfAbsent(c, k -> new Seen());
            if (state > 0) {
                int fired = c.firedSoFar(); // acquire: what the rule's thread wrote before is visible
                if (s.state != state || s.fired != fired) {
                    s.state = state;
                    s.fired = fired;
                    s.since = now;
                } else if (now - s.since >= limitNanos) {
                    Waymark.RunawayRuleException runaway = c.describeStuck(limitText);
                    Thread t = c.watchedThread();
                    if (c.markInterrupting(state)) {
                        s.runaway = runaway;
                        s.since = now;
                        t.interrupt();
                        c.markInterrupted(runaway.rule());
                    }
                }
            } else if (state == DroolsRuleContext.INTERRUPTED && now - s.since >= tickMillis * 1_000_000L && s.runaway != null) {
                Thread t = c.watchedThread();
                lost.put(t, s.runaway); // before the state: a thread that returns now finds it to remove
                if (!c.markAbandoned()) {
                    lost.remove(t); // it returned just now
                }
            }
        }
        return busy;
    }
}

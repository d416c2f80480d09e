package dev.waymark.drools;

import dev.waymark.Contact;
import dev.waymark.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The helpers a DRL rule sees as the global {@code waymark}: the evaluation time, parameters from
 * settings, due-time checks that also declare the contact's next wake-up, and {@code emit}.
 *
 * <pre>{@code
 * global dev.waymark.drools.RuleContext waymark;
 *
 * rule "price-drop" @dueTimes
 * when
 *     $c : Contact( consented(Channel.EMAIL) )
 *     eval( waymark.due($c, $c.lastAt("price.dropped"), Duration.ofHours(1)) )
 * then
 *     waymark.emit($c, "email.send", "drop@" + $c.lastAt("price.dropped"), Map.of("template", "price-drop"));
 * end
 * }</pre>
 *
 * <p>Rules never handle dedup, ids or consent: {@code emit} may be called again and again, the engine
 * emits each (contact, rule, type, key) once in the contact's life and drops messages without consent.
 * A rule that tests time only through {@code due}/{@code dueAfter} and carries the {@code @dueTimes}
 * metadata lets the engine skip contacts with nothing due; one without it makes every contact always due.
 *
 * <p>One instance serves one Drools session on one thread at a time; rules must not keep it.
 */
public interface RuleContext {

    /** The evaluation time. */
    Instant now();

    /**
     * Whether {@code at} has been reached ({@code now >= at}, inclusive, as documented). When it has not, {@code at}
     * is declared as a time the rule could fire for {@code contact}. {@code false} for a null {@code at}.
     */
    boolean due(Contact contact, Instant at);

    /** {@code due(contact, from + delay)}; {@code false} for a null {@code from}. */
    boolean due(Contact contact, Instant from, Duration delay);

    /** Whether {@code now > at} (strictly); when not, declares the first instant after {@code at}. */
    boolean dueAfter(Contact contact, Instant at);

    /** Whether {@code now < at}: the end of a window, exclusive. {@code false} for a null {@code at}. */
    boolean before(Instant at);

    /** {@code d × factor}, rounded down to the nanosecond (exact, unlike double arithmetic on seconds). */
    default Duration scaled(Duration d, double factor) {
        java.math.BigDecimal nanos = java.math.BigDecimal.valueOf(d.getSeconds()).movePointRight(9)
                .add(java.math.BigDecimal.valueOf(d.getNano()));
        java.math.BigDecimal scaled = nanos.multiply(new java.math.BigDecimal(factor)).setScale(0, java.math.RoundingMode.FLOOR);
        java.math.BigDecimal[] secondsAndNanos = scaled.divideAndRemainder(java.math.BigDecimal.valueOf(1_000_000_000L));
        return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
    }

    /** The delays of an hours-list parameter, numbered from 1 (for example the welcome series' steps). */
    List<Step> steps(String rule, String param);

    /**
     * The longest delay of an hours-list parameter, {@link Duration#ZERO} for an empty list: with the window
     * after it, where a series of steps ends, so a rule can tell at the contact that no step is left.
     */
    default Duration longest(String rule, String param) {
        Duration longest = Duration.ZERO;
        for (Duration d : durations(rule, param)) {
            if (d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return longest;
    }

    /** One numbered delay of an hours-list parameter. */
    record Step(int number, Duration delay) {
    }

    /** Whole days from {@code at} to now, rounded down. */
    long daysSince(Instant at);

    /** A standard rule's hours or days parameter from settings. */
    Duration duration(String rule, String param);

    /** A standard rule's hours-list parameter from settings. */
    List<Duration> durations(String rule, String param);

    /** A standard rule's integer parameter from settings. */
    int integer(String rule, String param);

    /** A standard rule's number parameter from settings. */
    double number(String rule, String param);

    /** The contact's journey stage at now (docs/standard-rules.md), {@code null} for a contact never seen; declares when it lapses. */
    Stage stage(Contact contact);

    /** Emits an action with no params for the rule now firing. */
    void emit(Contact contact, String type, String key);

    /** Emits an action for the rule now firing; at most once per (contact, rule, type, key) reaches the host. */
    void emit(Contact contact, String type, String key, Map<String, ?> params);
}

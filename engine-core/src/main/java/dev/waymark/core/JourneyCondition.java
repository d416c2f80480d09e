package dev.waymark.core;

import dev.waymark.Contact;
import dev.waymark.Event;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.mvel2.MVEL;
import org.mvel2.ParserContext;
import org.mvel2.compiler.ExecutableStatement;

/**
 * A journey condition (COND): an MVEL expression of type boolean over {@code contact} (the {@link Contact}
 * fact at {@code now}, through its methods) and, where an event is in play, {@code event} (its
 * {@code type}, {@code at} and {@code props} read as properties). Compiled once, strongly typed, so an
 * unknown method or a non-boolean expression is an error when the engine is built.
 *
 * <p>Thread-safe: MVEL's accessor optimiser rewrites a compiled expression on first use, so evaluations of
 * one condition are serialised on it.
 */
final class JourneyCondition {

    /** A condition that fails while evaluating for one contact; the evaluation of that contact rolls back. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String text;
    private final Serializable compiled;
    private final boolean withEvent;

    private JourneyCondition(String text, Serializable compiled, boolean withEvent) {
        this.text = text;
        this.compiled = compiled;
        this.withEvent = withEvent;
    }

    /**
     * Compiles {@code text}; {@code withEvent} puts {@code event} in scope.
     *
     * @throws IllegalArgumentException with MVEL's reason when it does not compile or is not boolean
     */
    static JourneyCondition compile(String text, boolean withEvent) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a condition must be a non-empty MVEL expression");
        }
        ParserContext pc = new ParserContext();
        pc.setStrongTyping(true);
        pc.addInput("contact", Contact.class);
        if (withEvent) {
            pc.addInput("event", Event.class);
        }
        Serializable compiled;
        try {
            compiled = MVEL.compileExpression(text, pc);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' does not compile: " + reason(e), e);
        }
        Class<?> type = compiled instanceof ExecutableStatement s ? s.getKnownEgressType() : null;
        if (type != null && type != Boolean.class && type != boolean.class && type != Object.class) {
            throw new IllegalArgumentException("'" + text + "' is of type " + type.getSimpleName() + ", not boolean");
        }
        return new JourneyCondition(text, compiled, withEvent);
    }

    /** Whether the condition holds for {@code contact} (and {@code event}, when in scope). */
    boolean test(Contact contact, Event event) {
        Map<String, Object> vars = new HashMap<>(4);
        vars.put("contact", contact);
        if (withEvent) {
            vars.put("event", event);
        }
        Object result;
        try {
            synchronized (this) {
                result = MVEL.executeExpression(compiled, vars);
            }
        } catch (RuntimeException e) {
            throw new Failure("condition '" + text + "' fails: " + reason(e), e);
        }
        if (result instanceof Boolean b) {
            return b;
        }
        throw new Failure("condition '" + text + "' gave " + result + ", not true or false", null);
    }

    String text() {
        return text;
    }

    /** MVEL nests "[Error: ...]" markers; the innermost reason, on one line. */
    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = e.getMessage() == null ? t.toString() : e.getMessage();
        int i = m.indexOf("[Error: ");
        if (i >= 0) {
            int end = m.indexOf(']', i);
            m = m.substring(i + 8, end > i ? end : m.length());
        }
        return m.replaceAll("\\s+", " ").strip();
    }
}

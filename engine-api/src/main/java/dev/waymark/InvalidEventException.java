package dev.waymark;

/**
 * An event that breaks the rules of docs/events-and-actions.md: a missing or malformed field or prop. Carries the field (for example
 * {@code props.cartId}) and, when the event came from a JSON line, the 1-based line number (0 otherwise).
 */
public final class InvalidEventException extends WaymarkException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final String field;
    private final String reason;

    public InvalidEventException(String field, String reason) {
        this(0, field, reason);
    }

    public InvalidEventException(int line, String field, String reason) {
        super((line > 0 ? "line " + line + ": " : "") + (field.isEmpty() ? "" : field + ": ") + reason);
        this.line = line;
        this.field = field;
        this.reason = reason;
    }

    /** The 1-based input line, or 0 when the event did not come from a numbered line. */
    public int line() {
        return line;
    }

    /** The offending field, for example {@code at} or {@code props.price}; empty for a line that is not JSON. */
    public String field() {
        return field;
    }

    /** What is wrong, without the place. */
    public String reason() {
        return reason;
    }

    /** The same error, placed at {@code line}. */
    public InvalidEventException atLine(int line) {
        return new InvalidEventException(line, field, reason);
    }
}

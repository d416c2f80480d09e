package dev.waymark;

/**
 * Root of every exception Waymark throws. All are unchecked; messages name the place of the problem
 * (line and field, settings key, rule file and line) so a person can act on them.
 */
public class WaymarkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WaymarkException(String message) {
        super(message);
    }

    public WaymarkException(String message, Throwable cause) {
        super(message, cause);
    }
}

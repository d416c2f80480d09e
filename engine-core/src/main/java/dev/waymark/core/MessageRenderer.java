package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Contact;
import java.time.Instant;

/**
 * Renders a message action's body from its template (docs/templates.md). Implementations must be thread-safe and
 * must not throw: a failure is returned, and the action goes out without a body.
 */
public interface MessageRenderer {

    /** The action with {@code params.body} (and {@code params.subject}) set, or a failure; the same action when it has no template. */
    Rendered render(Action message, Contact contact, Instant now);

    /** A rendered action, or the action unchanged with the reason it could not be rendered. */
    record Rendered(Action action, String error) {
    }

    /** Renders nothing. */
    MessageRenderer NONE = (message, contact, now) -> new Rendered(message, null);
}

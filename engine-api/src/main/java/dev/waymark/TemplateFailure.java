package dev.waymark;

import java.util.Objects;

/**
 * A message template that failed while rendering for one contact (SPEC §8). The action still goes out,
 * without a body; nothing else stops.
 *
 * @param contactId the contact
 * @param rule      the rule whose message it was
 * @param template  the template name ({@code params.template})
 * @param message   what went wrong, with the template's file and line when known
 */
public record TemplateFailure(String contactId, String rule, String template, String message) {
    public TemplateFailure {
        Objects.requireNonNull(contactId, "contactId");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return "contact " + contactId + ", rule " + rule + ", template " + template + ": " + message;
    }
}

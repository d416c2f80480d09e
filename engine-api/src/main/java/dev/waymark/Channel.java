package dev.waymark;

import java.util.Locale;

/** A messaging channel a contact can consent to. Its {@link #id()} is the prefix of its message action type. */
public enum Channel {
    EMAIL, SMS, PUSH;

    /** The lowercase id used in events and action types: {@code email}, {@code sms}, {@code push}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The channel with this id, or {@code null} when there is none. */
    public static Channel byId(String id) {
        for (Channel c : values()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        return null;
    }

    /** The channel of a message action type ({@code email.send} → EMAIL), or {@code null} if the type is no message. */
    public static Channel ofMessageType(String actionType) {
        return switch (actionType) {
            case "email.send" -> EMAIL;
            case "sms.send" -> SMS;
            case "push.send" -> PUSH;
            default -> null;
        };
    }
}

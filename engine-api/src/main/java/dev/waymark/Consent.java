package dev.waymark;

/** A contact's consent for one channel: granted, revoked, or unknown when no event said either. */
public enum Consent {
    GRANTED, REVOKED, UNKNOWN
}

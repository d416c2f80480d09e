package dev.waymark.drools;

import java.util.Objects;

/** A DRL text and the name its author knows it by (a path or resource name), used in compile errors. */
record RuleSource(String name, String drl) {
    public RuleSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(drl, "drl");
    }
}

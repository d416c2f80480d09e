package dev.waymark.examples.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one command, parsed against what the command accepts. Immutable.
 *
 * <p>Syntax: {@code --name value} or {@code --name=value}; a {@link Arity#MANY} option takes every
 * following argument up to the next {@code --option} ({@code --rules a.drl b.drl}) and may also be
 * repeated; a {@link Arity#FLAG} takes no value. Anything else — an unknown option, a value missing, a
 * single-valued option given twice, a stray argument — is a {@link CliException} with
 * {@link ExitStatus#USAGE} naming it.
 */
public final class Options {

    /** How many values an option takes. */
    public enum Arity {
        /** No value: present or not. */
        FLAG,
        /** Exactly one value, at most once. */
        ONE,
        /** One or more values; the option may repeat. */
        MANY
    }

    private final String command;
    private final Map<String, List<String>> values;

    private Options(String command, Map<String, List<String>> values) {
        this.command = command;
        this.values = values;
    }

    /**
     * Parses {@code args} (the arguments after the command name).
     *
     * @param command the command, named in error messages
     * @param accepted option name (with its leading {@code --}) to arity
     * @throws CliException (usage) naming the offending argument
     */
    public static Options parse(String command, List<String> args, Map<String, Arity> accepted) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.equals("--")) {
                throw CliException.usage(command + ": unexpected argument '" + arg + "' (options start with --; see waymark --help)");
            }
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            Arity arity = accepted.get(name);
            if (arity == null) {
                throw CliException.usage(command + ": unknown option " + name + " (known: "
                        + String.join(", ", accepted.keySet()) + ")");
            }
            List<String> list = values.computeIfAbsent(name, n -> new ArrayList<>());
            switch (arity) {
                case FLAG -> {
                    if (inline != null) {
                        throw CliException.usage(command + ": " + name + " takes no value");
                    }
                    list.add("true");
                }
                case ONE -> {
                    if (!list.isEmpty()) {
                        throw CliException.usage(command + ": " + name + " is given twice");
                    }
                    if (inline != null) {
                        list.add(inline);
                    } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                        list.add(args.get(++i));
                    } else {
                        throw CliException.usage(command + ": " + name + " needs a value");
                    }
                }
                case MANY -> {
                    int before = list.size();
                    if (inline != null) {
                        list.add(inline);
                    }
                    while (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                        list.add(args.get(++i));
                    }
                    if (list.size() == before) {
                        throw CliException.usage(command + ": " + name + " needs at least one value");
                    }
                }
            }
        }
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            for (String v : e.getValue()) {
                if (v.isEmpty()) {
                    throw CliException.usage(command + ": " + e.getKey() + " has an empty value");
                }
            }
            e.setValue(Collections.unmodifiableList(e.getValue()));
        }
        return new Options(command, Collections.unmodifiableMap(values));
    }

    /** The command these options belong to. */
    public String command() {
        return command;
    }

    /** Whether the option was given. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value of a single-valued option, or {@code null} when absent. */
    public String value(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(0);
    }

    /** The value of a single-valued option that must be present. */
    public String required(String name) {
        String v = value(name);
        if (v == null) {
            throw CliException.usage(command + ": " + name + " is required (see waymark --help)");
        }
        return v;
    }

    /** Every value of a multi-valued option, in order; empty when absent. */
    public List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }
}

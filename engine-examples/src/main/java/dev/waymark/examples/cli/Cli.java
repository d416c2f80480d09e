package dev.waymark.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code waymark} command line's parsing and help, on picocli: builds the command tree, parses the
 * arguments into the chosen command's fields, prints help ({@code waymark --help}, {@code waymark run --help},
 * {@code waymark help run}) and the version ({@code --version}), and turns every parse error into a
 * {@link CliException} (exit 2) that names the command and the option, with the nearest known names for an
 * unknown option or command, listed in a stable order. Not thread-safe; one instance per invocation.
 */
final class Cli {

    /** The commands in the order help lists them. */
    static final List<String> COMMANDS = List.of("run", "check", "explain", "report", "forget", "import", "simulate");

    private final CommandLine top;
    private final PrintStream stderr;

    Cli(InputStream stdin, OutputStream stdout, PrintStream out, PrintStream stderr, Terminal terminal) {
        this.stderr = stderr;
        top = new CommandLine(new Waymark());
        top.addSubcommand("run", new RunCommand(stdin, stdout, stderr, terminal));
        top.addSubcommand("check", new CheckCommand(out));
        top.addSubcommand("explain", new ExplainCommand(out));
        top.addSubcommand("report", new ReportCommand(out));
        top.addSubcommand("forget", new ForgetCommand(out));
        top.addSubcommand("import", new ImportCommand(out));
        top.addSubcommand("simulate", new SimulateCommand(out, stderr, terminal));
        top.setExpandAtFiles(false); // "@x" is a value like any other, never a file of arguments
        top.setUnmatchedOptionsAllowedAsOptionParameters(false); // "--now --colour" is a missing value, not a time
        top.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF)); // the same text on a terminal and in a file
        top.setOut(new PrintWriter(out, true));
        top.setErr(new PrintWriter(stderr, true));
        top.setUsageHelpWidth(100);
        top.setUsageHelpLongOptionsMaxWidth(30);
        top.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> commandList());
        for (CommandLine sub : top.getSubcommands().values()) {
            // A command's header is its line in the command list; its own help starts with the usage.
            List<String> keys = new ArrayList<>(sub.getHelpSectionKeys());
            keys.remove(UsageMessageSpec.SECTION_KEY_HEADER_HEADING);
            keys.remove(UsageMessageSpec.SECTION_KEY_HEADER);
            sub.setHelpSectionKeys(keys);
        }
    }

    /** Parses {@code args} and runs the command they name, or prints the help or version they ask for. */
    void run(List<String> args) throws IOException {
        if (args.isEmpty()) {
            stderr.print(top.getUsageMessage());
            throw CliException.usage("no command given");
        }
        if (args.get(0).equals("help")) {
            help(args.subList(1, args.size()));
            return;
        }
        ParseResult parsed;
        try {
            parsed = top.parseArgs(args.toArray(String[]::new));
        } catch (ParameterException e) {
            throw usageError(e);
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return;
        }
        if (!parsed.hasSubcommand()) {
            stderr.print(top.getUsageMessage());
            throw CliException.usage("no command given");
        }
        ParseResult command = parsed.subcommand();
        ((CliCommand) command.commandSpec().userObject()).run();
    }

    /** {@code waymark help [COMMAND]}. */
    private void help(List<String> args) {
        if (args.isEmpty()) {
            top.usage(top.getOut());
            return;
        }
        CommandLine sub = top.getSubcommands().get(args.get(0));
        if (sub == null || args.size() > 1) {
            throw unknownCommand(args.get(0));
        }
        sub.usage(sub.getOut());
    }

    /** The exit-2 failure for a parse error: the command, the option and what is wrong with it. */
    private CliException usageError(ParameterException e) {
        CommandLine where = e.getCommandLine();
        boolean atTop = where == top;
        String command = where.getCommandName();
        String prefix = atTop ? "" : command + ": ";
        String seeHelp = atTop ? "see waymark --help" : "see waymark " + command + " --help";
        if (e instanceof MissingParameterException && !where.getUnmatchedArguments().isEmpty()) {
            // picocli checks required options before it reports what it did not know: a typo comes first,
            // since "--stat" is why "--state" looks missing.
            e = new UnmatchedArgumentException(where, where.getUnmatchedArguments());
        }
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (arg.startsWith("-") && !arg.equals("-") && !arg.equals("--")) {
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                Collection<String> known = optionNames(where);
                return CliException.usage(prefix + "unknown option " + name + didYouMean(name, known)
                        + " (known: " + String.join(", ", known) + "; " + seeHelp + ")");
            }
            if (atTop) {
                return unknownCommand(arg);
            }
            return CliException.usage(prefix + "unexpected argument '" + arg + "' (options start with --; " + seeHelp + ")");
        }
        if (e instanceof OverwrittenOptionException o) {
            return CliException.usage(prefix + name(o.getOverwritten()) + " is given twice");
        }
        if (e instanceof MissingParameterException m) {
            List<String> lines = new ArrayList<>();
            boolean missingOptions = String.valueOf(m.getMessage()).startsWith("Missing required option");
            for (ArgSpec a : m.getMissing()) {
                if (missingOptions) {
                    lines.add(prefix + name(a) + " is required (" + seeHelp + ")");
                } else {
                    lines.add(prefix + name(a) + (a.isMultiValue() ? " needs at least one value" : " needs a value"));
                }
            }
            if (!lines.isEmpty()) {
                return new CliException(ExitStatus.USAGE, lines, e);
            }
        }
        if (e.getCause() instanceof TypeConversionException t && e.getArgSpec() != null) {
            return new CliException(ExitStatus.USAGE, List.of(prefix + name(e.getArgSpec()) + ": " + t.getMessage()), e);
        }
        if (e.getArgSpec() instanceof OptionSpec o && o.arity().max() == 0) {
            return CliException.usage(prefix + name(o) + " takes no value");
        }
        return new CliException(ExitStatus.USAGE, List.of(prefix + e.getMessage() + " (" + seeHelp + ")"), e);
    }

    private static CliException unknownCommand(String name) {
        return CliException.usage("unknown command '" + name + "'" + didYouMean(name, COMMANDS)
                + " (commands: " + String.join(", ", COMMANDS) + "; see waymark --help)");
    }

    /** The long option names of a command, sorted: the same list on every run. */
    private static Collection<String> optionNames(CommandLine command) {
        TreeSet<String> names = new TreeSet<>();
        for (OptionSpec o : command.getCommandSpec().options()) {
            names.add(o.longestName());
        }
        return names;
    }

    private static String name(ArgSpec a) {
        return a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
    }

    /**
     * {@code ": did you mean X?"} (or {@code X or Y}) for the known names nearest to {@code given} — by edit
     * distance, ties by name, so the suggestion never changes between runs — or nothing when none is near.
     */
    static String didYouMean(String given, Collection<String> known) {
        List<String> near = nearest(given, known);
        return near.isEmpty() ? "" : ": did you mean " + String.join(" or ", near) + "?";
    }

    /** At most three known names within a few edits of {@code given}, nearest first, ties by name. */
    static List<String> nearest(String given, Collection<String> known) {
        String g = strip(given);
        record Candidate(String name, int distance) {
        }
        List<Candidate> near = new ArrayList<>();
        for (String k : known) {
            String s = strip(k);
            int d = dev.waymark.internal.Suggest.distance(g, s);
            // A few edits for a short name, a third of it for a long one; a prefix ("--sta" for "--state") is near too.
            if (d <= Math.max(2, s.length() / 3) || (g.length() >= 2 && s.startsWith(g))) {
                near.add(new Candidate(k, d));
            }
        }
        near.sort(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::name));
        return near.stream().limit(3).map(Candidate::name).toList();
    }

    private static String strip(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '-') {
            i++;
        }
        return name.substring(i).toLowerCase(java.util.Locale.ROOT);
    }

    /** Each command's synopsis and one-line purpose, in {@link #COMMANDS} order. */
    private String commandList() {
        StringBuilder sb = new StringBuilder();
        for (String name : COMMANDS) {
            CommandLine sub = top.getSubcommands().get(name);
            UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            for (String line : usage.customSynopsis()) {
                sb.append("  ").append(line.stripTrailing()).append('\n');
            }
            for (String line : usage.header()) {
                sb.append("      ").append(line.replace("%%", "%")).append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The version of this build, {@code waymark 0.1.0}, from the properties Maven fills in. */
    static String version() {
        Properties p = new Properties();
        try (var in = Cli.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String v = p.getProperty("version");
        if (v == null || v.isBlank() || v.startsWith("${")) {
            v = Cli.class.getPackage().getImplementationVersion();
        }
        return "waymark " + (v == null ? "(version unknown: not built by Maven)" : v);
    }

    /** Prints {@link #version()} for {@code --version}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }

    /** The top of the command tree: only {@code --help} and {@code --version}; the work is in the commands. */
    @Command(name = "waymark", mixinStandardHelpOptions = true, versionProvider = Version.class,
            synopsisHeading = "usage: ", customSynopsis = "java -jar waymark.jar <command> [options]",
            description = {"", "The Waymark customer-journey engine on files: events in, actions out."},
            optionListHeading = "%noptions:%n",
            commandListHeading = "%ncommands (waymark <command> --help shows a command's options):%n",
            footerHeading = "exit codes:%n",
            footer = {
                "  0 done   1 other failure (also: PostgreSQL unreachable, the store in use by another run)",
                "  2 bad usage (options, files, settings, an unknown --contact, a missing store)",
                "  3 invalid input (bad event lines, a state file that is not Waymark's, a --store that is",
                "    not a Waymark store or is damaged, a store of a newer Waymark)",
                "  4 rules, templates or journeys do not compile",
                "A failed or killed run leaves the --state file as it was; a --store keeps what each",
                "committed batch did, and the next run goes on from there without losing or repeating",
                "an action. A rule failing for one contact is reported, rolls back only that contact,",
                "and does not fail the run."})
    static final class Waymark {
    }
}

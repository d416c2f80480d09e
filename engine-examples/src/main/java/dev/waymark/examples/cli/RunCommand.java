package dev.waymark.examples.cli;

import dev.waymark.examples.storage.AtomicFile;
import dev.waymark.Action;
import dev.waymark.BulkSummary;
import dev.waymark.ContactState;
import dev.waymark.Event;
import dev.waymark.InvalidEventException;
import dev.waymark.JourneyEngine;
import dev.waymark.Evaluation.RuleFailure;
import dev.waymark.Settings;
import dev.waymark.Evaluation.TemplateFailure;
import dev.waymark.json.WaymarkJson;
import dev.waymark.store.PassSummary;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waymark run} (docs/command-line.md): reads events and the previous state, evaluates every contact at
 * {@code --now}, writes the actions as JSONL and a one-line summary, then replaces the state file.
 *
 * <p>Contracts: bad event lines are all reported with their line number and field; without
 * {@code --lenient} the run then stops with exit 3 before writing anything. Actions are written before the
 * state, and the state is replaced atomically only after every action is out, so a run that fails or is
 * killed leaves the previous state and is simply run again: delivery is at least once, and action ids let
 * a consumer drop a repeat. A rule that fails for one contact rolls back only that contact (its events stay
 * pending and are retried next run); the run still succeeds and reports the failure. With
 * {@code --templates}, messages get their rendered body (docs/templates.md); a template that fails for one contact
 * leaves that message without a body and is reported, and stops nothing else. A late event (more than 7 days
 * older than its contact's newest applied event, docs/events-and-actions.md) is not applied, is reported with its line and is
 * counted in the summary. With {@code --store} instead of {@code --state}, {@link StoreRun} does steps 3 and 4
 * on the contact store (docs/contact-store.md).
 *
 * <p>A {@code --state} file serves one run at a time: the run locks it ({@link StateFile#lock}) before it
 * reads anything and until the new state is in place, and a second run on it fails at once (exit 1) without
 * emitting anything. A rule whose ledger is full for a contact (see {@code Evaluation.LedgerFull}) is
 * reported on stderr naming the rule; its firings with new keys are withheld rather than emitted twice.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        synopsisHeading = "usage: java -jar waymark.jar ",
        customSynopsis = {
            "run --events FILE|- --now INSTANT [--settings FILE] [--rules FILE.drl ...]",
            "    [--journeys FILE.json ...] [--state FILE | --store PATH] [--out FILE] [--lenient]",
            "    [--templates DIR] [--progress]"},
        header = {
            "Applies the events with at <= now, evaluates the standard rules and any --rules at now,",
            "writes the actions as JSONL (stdout by default) and a one-line summary to stderr."},
        description = {"",
            "Applies the events with at <= now, evaluates the standard rules, any --rules and --journeys at now, "
                + "writes the actions as JSONL (stdout, or --out FILE) and a one-line summary to stderr that says "
                + "how many actions went where. Bad event lines are all reported with their line number: without "
                + "--lenient nothing is written (exit 3). An event more than 7 days older than its contact's newest "
                + "applied event is late: not applied, reported with its line, counted in the summary. On a "
                + "terminal, stderr shows progress while the contacts are evaluated."},
        optionListHeading = "%noptions:%n")
public final class RunCommand implements CliCommand {

    @Option(names = "--events", required = true, paramLabel = "FILE|-", converter = OptionTypes.PathValue.class,
            description = "events, one JSON object per line; - reads stdin")
    Path eventsArg;

    @Option(names = "--now", required = true, paramLabel = "INSTANT", converter = OptionTypes.InstantValue.class,
            description = "evaluation time, e.g. 2026-10-31T18:00:00Z")
    Instant now;

    @Option(names = "--settings", paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "rule switches, parameters and policies (JSON)")
    Path settingsArg;

    @Option(names = "--rules", arity = "1..*", paramLabel = "FILE.drl", converter = OptionTypes.PathValue.class,
            description = "extra DRL rule files beside the standard rules")
    List<Path> rulesArgs = new ArrayList<>();

    @Option(names = "--journeys", arity = "1..*", paramLabel = "FILE.json", converter = OptionTypes.PathValue.class,
            description = "journeys: multi-step flows, one JSON file each, advanced after the rules fire (their id is the actions' rule)")
    List<Path> journeysArgs = new ArrayList<>();

    @Option(names = "--state", paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "contacts and their ledgers: read if it exists, replaced atomically after a successful run, "
                    + "so a later run with newer events goes on from there and repeats no action")
    Path stateArg;

    @Option(names = "--store", paramLabel = "PATH", converter = OptionTypes.Text.class,
            description = "contacts in a store instead of --state: an SQLite file (created when absent) or a "
                    + "jdbc:postgresql: URL (user and password from the URL or WAYMARK_STORE_USER / "
                    + "WAYMARK_STORE_PASSWORD). Evaluates only the contacts due, commits each batch with its actions, "
                    + "then writes the actions not yet written (a killed run's first); emits what --state would")
    String storeArg;

    @Option(names = "--out", paramLabel = "FILE", converter = OptionTypes.PathValue.class,
            description = "write the actions to FILE (replaced atomically) instead of stdout; the summary names it")
    Path outArg;

    @Option(names = "--lenient", description = "report and skip bad event lines instead of failing")
    boolean lenient;

    @Option(names = "--templates", paramLabel = "DIR", converter = OptionTypes.PathValue.class,
            description = "MVEL message templates: T.mvel renders the body (and a first \"Subject:\" line the subject) "
                    + "of messages with template T")
    Path templatesArg;

    @Option(names = "--progress", description = "a progress line on stderr every second even when stderr is no "
            + "terminal (on a terminal one line is redrawn anyway)")
    boolean progressAsked;

    /** Most rule failures listed one by one; the rest are counted. */
    private static final int FAILURES_SHOWN = 20;

    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintStream stderr;
    private final Terminal terminal;

    /**
     * A run reading {@code -} from {@code stdin}, writing actions to {@code stdout} and messages to {@code stderr};
     * {@code terminal} says which of them a person watches (progress is drawn only on a terminal).
     */
    RunCommand(InputStream stdin, OutputStream stdout, PrintStream stderr, Terminal terminal) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.terminal = terminal;
    }

    /** Runs with the parsed options; returns normally only on success. */
    @Override
    public void run() throws IOException {
        // 1. Everything a person can get wrong on the command line, before any work.
        String eventsName = eventsArg.toString();
        Path eventsFile = eventsName.equals("-") ? null : InputFiles.readableFile("--events", eventsName);
        Path settingsFile = EngineSetup.settingsFile(settingsArg);
        List<Path> ruleFiles = EngineSetup.ruleFiles(rulesArgs);
        List<Path> journeyFiles = EngineSetup.journeyFiles(journeysArgs);
        if (stateArg != null && storeArg != null) {
            throw CliException.usage("run: --state and --store are mutually exclusive (give one)");
        }
        Path stateFile = stateArg != null ? InputFiles.writableFile("--state", stateArg.toString(), true) : null;
        String store = storeArg != null ? StoreAccess.location(storeArg, false) : null;
        Path outFile = outArg != null ? InputFiles.writableFile("--out", outArg.toString(), false) : null;
        Path templates = EngineSetup.templates(templatesArg);
        // A line redrawn on stderr would tangle with actions scrolling past on the same terminal.
        Progress progress = Progress.of(progressAsked, terminal.stderr() && !(outFile == null && terminal.stdout()), stderr);
        Settings settings = EngineSetup.readSettings(settingsFile);

        // One run at a time per state file, from here to the state written back: a second run fails at once.
        AtomicFile.Lock lock = StateFile.lock(stateFile); // null without --state: nothing to lock
        try {

            // 2. Compiling takes seconds: do it while the input is read.
            CompletableFuture<JourneyEngine> engine = EngineSetup.buildInBackground(settings, ruleFiles, journeyFiles, templates, settingsFile);

            String source = eventsFile == null ? "stdin" : eventsName;
            NumberedEvents lines = readEvents(eventsFile, progress);
            progress.done();
            for (InvalidEventException e : lines.errors()) {
                stderr.println("waymark: " + source + ": " + e.getMessage() + (lenient ? " (skipped)" : ""));
            }
            if (!lenient && !lines.errors().isEmpty()) {
                int n = lines.errors().size();
                throw new CliException(ExitStatus.INVALID_INPUT, n + (n == 1 ? " bad line" : " bad lines") + " in " + source
                        + "; nothing was written" + (stateFile == null ? "" : " and the state file is unchanged")
                        + (store == null ? "" : " and the store is unchanged")
                        + " (fix them, or pass --lenient to skip them)");
            }
            if (store != null) {
                new StoreRun(stdout, stderr, progress, terminal).run(store, source, lines, engine, now, outFile, templates != null);
                return;
            }
            TreeMap<String, ContactState> states = StateFile.read(stateFile);
            TreeMap<String, List<Integer>> byContact = new TreeMap<>();
            for (int i = 0; i < lines.events().size(); i++) {
                byContact.computeIfAbsent(lines.events().get(i).contactId(), id -> new ArrayList<>()).add(i);
            }
            List<PassSummary.LateEvent> late = new ArrayList<>();
            for (Map.Entry<String, List<Integer>> e : byContact.entrySet()) {
                ContactState s = states.get(e.getKey());
                s = s == null ? ContactState.empty(e.getKey()) : s;
                List<Event> events = new ArrayList<>(e.getValue().size());
                java.util.Set<String> lateIds = new java.util.HashSet<>();
                for (int i : e.getValue()) {
                    Event event = lines.events().get(i);
                    if (!s.seenEventIds().containsKey(event.id()) && s.isLate(event)) {
                        if (lateIds.add(event.id())) { // a repeat within the input is one late event, as in a store
                            late.add(new PassSummary.LateEvent(source, lines.lines().get(i), event.id(), event.contactId()));
                        }
                    } else {
                        events.add(event);
                    }
                }
                states.put(e.getKey(), s.withEvents(events));
            }
            JourneyEngine journeys = EngineSetup.await(engine);
            progress.start(states.size());

            // 3. Evaluate in contactId order, so the actions come out in the output order of docs/events-and-actions.md; then the state.
            List<ContactState> next = new ArrayList<>(states.size());
            BulkSummary summary;
            try {
                if (outFile == null) {
                    Writer out = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16);
                    summary = evaluate(journeys, states.values(), now, next, out, progress);
                    out.flush();
                } else {
                    AtomicReference<BulkSummary> done = new AtomicReference<>();
                    new AtomicFile(outFile).write(out -> done.set(evaluate(journeys, states.values(), now, next, out, progress)));
                    summary = done.get();
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (stateFile != null) {
                new AtomicFile(stateFile).write(w -> WaymarkJson.writeStates(next, w));
            }

            progress.done();

            // 4. Tell the person what happened.
            List<RuleFailure> failures = summary.failures();
            List<TemplateFailure> templateFailures = summary.templateFailures();
            reportProblems(stderr, late, failures, templateFailures);
            reportLedgerFull(stderr, summary.ledgerFull());
            reportRejected(stderr, summary.rejected());
            long waiting = next.stream().flatMap(s -> s.pending().stream()).filter(e -> e.at().isAfter(now)).count();
            if (waiting > 0) {
                stderr.println("waymark: " + waiting + (waiting == 1 ? " event is" : " events are") + " later than --now: "
                        + (stateFile == null ? "not applied (pass --state to keep them for a later run)"
                        : "kept in the state file until a run reaches them"));
            }
            stderr.println("waymark: " + lines.events().size() + " events, " + summary.contacts() + " contacts, "
                    + summary.actions() + " actions" + destination(outFile) + ", " + lines.errors().size() + " rejected lines, "
                    + failures.size() + " rule failures"
                    + (templates == null ? "" : ", " + templateFailures.size() + " template failures")
                    + ", " + late.size() + " late events"
                    + (summary.rejected().isEmpty() ? "" : ", " + summary.rejected().size() + " events over a limit"));
            floodHint(stderr, terminal, outFile, summary.actions());
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /**
     * One line per rule whose ledger was full for some contacts: which rule, how many contacts (the first
     * few by id) and how many firings were withheld, so a rule author sees the rule's keys are too many.
     */
    static void reportLedgerFull(PrintStream stderr, List<dev.waymark.Evaluation.LedgerFull> full) {
        TreeMap<String, List<dev.waymark.Evaluation.LedgerFull>> byRule = new TreeMap<>();
        for (dev.waymark.Evaluation.LedgerFull f : full) {
            byRule.computeIfAbsent(f.rule(), r -> new ArrayList<>()).add(f);
        }
        byRule.forEach((rule, list) -> {
            long withheld = list.stream().mapToLong(dev.waymark.Evaluation.LedgerFull::withheld).sum();
            List<String> ids = list.stream().map(dev.waymark.Evaluation.LedgerFull::contactId).sorted().limit(5).toList();
            stderr.println("waymark: rule " + rule + " holds " + list.get(0).maxKeys() + " keys, the most the ledger keeps"
                    + " per rule and contact, for " + list.size() + (list.size() == 1 ? " contact" : " contacts") + " ("
                    + String.join(", ", ids) + (list.size() > ids.size() ? ", ..." : "") + "): " + withheld
                    + (withheld == 1 ? " firing" : " firings") + " with a new key withheld, not emitted"
                    + " (no key is forgotten, so none goes out twice; give the rule fewer distinct keys per contact)");
        });
    }

    /** Where the summary says the actions went: nothing for stdout (they are right there), else the file. */
    static String destination(Path outFile) {
        return outFile == null ? "" : " written to " + outFile;
    }

    /** Actions that scrolled past on a terminal bury the summary: say how to keep them in a file instead. */
    static void floodHint(PrintStream stderr, Terminal terminal, Path outFile, long actions) {
        if (outFile == null && terminal.stdout() && actions > 100) {
            stderr.println("waymark: the " + actions + " actions went to the terminal; --out FILE writes them to a file");
        }
    }

    /**
     * Reports each event a contact's size limit kept out (the first ones one by one): not applied, not retried,
     * and the run goes on.
     */
    static void reportRejected(PrintStream stderr, List<dev.waymark.Evaluation.RejectedEvent> rejected) {
        for (int i = 0; i < Math.min(FAILURES_SHOWN, rejected.size()); i++) {
            stderr.println("waymark: rejected " + rejected.get(i) + ": not applied");
        }
        if (rejected.size() > FAILURES_SHOWN) {
            stderr.println("waymark: ... and " + (rejected.size() - FAILURES_SHOWN) + " more events over a limit");
        }
    }

    /** Reports each late event with its line, then the rule and template failures (the first ones one by one). */
    static void reportProblems(PrintStream stderr, List<PassSummary.LateEvent> late, List<RuleFailure> failures,
                               List<TemplateFailure> templateFailures) {
        for (PassSummary.LateEvent e : late) {
            stderr.println("waymark: " + (e.source() == null ? "" : e.source() + ": ") + (e.line() > 0 ? "line " + e.line() + ": " : "")
                    + "late event " + e.eventId() + " for contact " + e.contactId()
                    + " (more than 7 days older than its newest applied event): not applied");
        }
        for (int i = 0; i < Math.min(FAILURES_SHOWN, failures.size()); i++) {
            stderr.println("waymark: rule failure: " + failures.get(i)
                    + " (the contact was rolled back; its events are retried next run)");
        }
        if (failures.size() > FAILURES_SHOWN) {
            stderr.println("waymark: ... and " + (failures.size() - FAILURES_SHOWN) + " more rule failures");
        }
        for (int i = 0; i < Math.min(FAILURES_SHOWN, templateFailures.size()); i++) {
            stderr.println("waymark: template failure: " + templateFailures.get(i) + " (the message went out without a body)");
        }
        if (templateFailures.size() > FAILURES_SHOWN) {
            stderr.println("waymark: ... and " + (templateFailures.size() - FAILURES_SHOWN) + " more template failures");
        }
    }

    /** Evaluates every state, writing the actions to {@code out} and collecting the new states in {@code next}. */
    private static BulkSummary evaluate(JourneyEngine engine, Collection<ContactState> states, Instant now,
                                        List<ContactState> next, Writer out, Progress progress) {
        long total = states.size();
        return engine.evaluateAll(states, now, ev -> {
            next.add(ev.state());
            if (next.size() % 1000 == 0) {
                progress.update(next.size(), total);
            }
            try {
                for (Action a : ev.actions()) {
                    out.write(WaymarkJson.write(a));
                    out.write('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // unwrapped by run(): an I/O failure, exit 1
            }
        }, Math.max(2, Runtime.getRuntime().availableProcessors())); // rules off this thread, so a stuck one ends the run
    }

    /**
     * The valid events of an input with the 1-based line of each, and one error per bad line (blank lines
     * skipped), as {@link WaymarkJson#readEvents} reads them.
     */
    record NumberedEvents(List<Event> events, List<Integer> lines, List<InvalidEventException> errors) {
    }

    private NumberedEvents readEvents(Path file, Progress progress) throws IOException {
        // Bytes, each line decoded on its own: a line that is not UTF-8 is a bad line naming its number,
        // like a line that is not JSON, and the lines after it are read as usual.
        try (InputStream in = file == null ? new NonClosing(stdin) : Files.newInputStream(file)) {
            List<Event> events = new ArrayList<>();
            List<Integer> numbers = new ArrayList<>();
            List<InvalidEventException> errors = new ArrayList<>();
            WaymarkJson.forEachLine(in, line -> {
                if ((line.number() & 0x3fff) == 0) {
                    progress.read(line.number());
                }
                if (line.utf8Problem() != null) {
                    errors.add(new InvalidEventException(line.number(), "", line.utf8Problem()));
                } else if (!line.text().isBlank()) {
                    try {
                        events.add(WaymarkJson.readEvent(line.text(), line.number()));
                        numbers.add(line.number());
                    } catch (InvalidEventException e) {
                        errors.add(e);
                    }
                }
            });
            return new NumberedEvents(events, numbers, errors);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Stdin must stay open for the caller; only our reader over it is closed. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // keep the underlying stream open
        }
    }
}

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
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code waymark run} (SPEC §6): reads events and the previous state, evaluates every contact at
 * {@code --now}, writes the actions as JSONL and a one-line summary, then replaces the state file.
 *
 * <p>Contracts: bad event lines are all reported with their line number and field; without
 * {@code --lenient} the run then stops with exit 3 before writing anything. Actions are written before the
 * state, and the state is replaced atomically only after every action is out, so a run that fails or is
 * killed leaves the previous state and is simply run again: delivery is at least once, and action ids let
 * a consumer drop a repeat. A rule that fails for one contact rolls back only that contact (its events stay
 * pending and are retried next run); the run still succeeds and reports the failure. With
 * {@code --templates}, messages get their rendered body (SPEC §8); a template that fails for one contact
 * leaves that message without a body and is reported, and stops nothing else. A late event (more than 7 days
 * older than its contact's newest applied event, SPEC §1) is not applied, is reported with its line and is
 * counted in the summary. With {@code --store} instead of {@code --state}, {@link StoreRun} does steps 3 and 4
 * on the contact store (SPEC §10).
 */
public final class RunCommand {

    static final Map<String, Options.Arity> OPTIONS = Map.ofEntries(
            Map.entry("--events", Options.Arity.ONE),
            Map.entry("--now", Options.Arity.ONE),
            Map.entry("--settings", Options.Arity.ONE),
            Map.entry("--rules", Options.Arity.MANY),
            Map.entry("--journeys", Options.Arity.MANY),
            Map.entry("--state", Options.Arity.ONE),
            Map.entry("--store", Options.Arity.ONE),
            Map.entry("--out", Options.Arity.ONE),
            Map.entry("--lenient", Options.Arity.FLAG),
            Map.entry("--templates", Options.Arity.ONE),
            Map.entry("--progress", Options.Arity.FLAG));

    /** Most rule failures listed one by one; the rest are counted. */
    private static final int FAILURES_SHOWN = 20;

    private final InputStream stdin;
    private final OutputStream stdout;
    private final PrintStream stderr;

    /** A run reading {@code -} from {@code stdin}, writing actions to {@code stdout} and messages to {@code stderr}. */
    public RunCommand(InputStream stdin, OutputStream stdout, PrintStream stderr) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Runs with the parsed options; returns normally only on success. */
    public void run(Options o) throws IOException {
        // 1. Everything a person can get wrong on the command line, before any work.
        String eventsArg = o.required("--events");
        Instant now = parseNow(o.required("--now"));
        Path eventsFile = eventsArg.equals("-") ? null : InputFiles.readableFile("--events", eventsArg);
        Path settingsFile = EngineSetup.settingsFile(o);
        List<Path> ruleFiles = EngineSetup.ruleFiles(o);
        List<Path> journeyFiles = EngineSetup.journeyFiles(o);
        if (o.has("--state") && o.has("--store")) {
            throw CliException.usage("run: --state and --store are mutually exclusive (give one)");
        }
        Path stateFile = o.has("--state") ? InputFiles.writableFile("--state", o.value("--state"), true) : null;
        String store = o.has("--store") ? StoreAccess.location(o.value("--store"), false) : null;
        Path outFile = o.has("--out") ? InputFiles.writableFile("--out", o.value("--out"), false) : null;
        Path templates = EngineSetup.templates(o);
        boolean lenient = o.has("--lenient");
        Progress progress = Progress.of(o.has("--progress"), stderr);
        Settings settings = EngineSetup.readSettings(settingsFile);

        // 2. Compiling takes seconds: do it while the input is read.
        CompletableFuture<JourneyEngine> engine = EngineSetup.buildInBackground(settings, ruleFiles, journeyFiles, templates, settingsFile);

        String source = eventsFile == null ? "stdin" : eventsArg;
        NumberedEvents lines = readEvents(eventsFile);
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
            new StoreRun(stdout, stderr, progress).run(store, source, lines, engine, now, outFile, templates != null);
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

        // 3. Evaluate in contactId order, so the actions come out in SPEC §3 order; then the state.
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
        reportRejected(stderr, summary.rejected());
        long waiting = next.stream().flatMap(s -> s.pending().stream()).filter(e -> e.at().isAfter(now)).count();
        if (waiting > 0) {
            stderr.println("waymark: " + waiting + (waiting == 1 ? " event is" : " events are") + " later than --now: "
                    + (stateFile == null ? "not applied (pass --state to keep them for a later run)"
                    : "kept in the state file until a run reaches them"));
        }
        stderr.println("waymark: " + lines.events().size() + " events, " + summary.contacts() + " contacts, "
                + summary.actions() + " actions, " + lines.errors().size() + " rejected lines, "
                + failures.size() + " rule failures"
                + (templates == null ? "" : ", " + templateFailures.size() + " template failures")
                + ", " + late.size() + " late events"
                + (summary.rejected().isEmpty() ? "" : ", " + summary.rejected().size() + " events over a limit"));
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
        }, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    static Instant parseNow(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw CliException.usage("--now: '" + value + "' is not an ISO-8601 instant like 2026-11-20T10:00:00Z");
        }
    }

    /**
     * The valid events of an input with the 1-based line of each, and one error per bad line (blank lines
     * skipped), as {@link WaymarkJson#readEvents} reads them.
     */
    record NumberedEvents(List<Event> events, List<Integer> lines, List<InvalidEventException> errors) {
    }

    private NumberedEvents readEvents(Path file) throws IOException {
        // InputStreamReader replaces malformed UTF-8 instead of failing the whole input; the line then
        // fails (or passes) JSON validation on its own.
        try (InputStream in = file == null ? new NonClosing(stdin) : Files.newInputStream(file);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            List<Event> events = new ArrayList<>();
            List<Integer> numbers = new ArrayList<>();
            List<InvalidEventException> errors = new ArrayList<>();
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    events.add(WaymarkJson.readEvent(line, number));
                    numbers.add(number);
                } catch (InvalidEventException e) {
                    errors.add(e);
                }
            }
            return new NumberedEvents(events, numbers, errors);
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

package dev.waymark.examples.cli;

/** The text of {@code waymark --help}. */
final class Usage {
    private Usage() {
    }

    static final String TEXT = """
            usage: java -jar waymark.jar <command> [options]

            commands:
              run --events FILE|- --now INSTANT [--settings FILE] [--rules FILE.drl ...]
                  [--journeys FILE.json ...] [--state FILE | --store PATH] [--out FILE] [--lenient]
                  [--templates DIR] [--progress]
                  Applies the events with at <= now, evaluates the standard rules and any --rules
                  at now, writes the actions as JSONL (stdout by default) and a one-line summary
                  to stderr.
                    --events FILE|-    events, one JSON object per line; - reads stdin
                    --now INSTANT      evaluation time, e.g. 2026-10-31T18:00:00Z
                    --settings FILE    rule switches and parameters (JSON)
                    --rules FILE ...   extra DRL rule files beside the ten standard rules
                    --journeys FILE .. journeys: multi-step flows, one JSON file each, advanced
                                       after the rules fire (their id is the actions' rule)
                    --state FILE       contacts and their ledgers: read if it exists, replaced
                                       atomically after a successful run, so a later run with
                                       newer events goes on from there and repeats no action
                    --store PATH       contacts in a store instead: an SQLite file (created when
                                       absent) or a jdbc:postgresql: URL (user and password from
                                       the URL or WAYMARK_STORE_USER / WAYMARK_STORE_PASSWORD).
                                       Evaluates only the contacts due, commits each batch with
                                       its actions, then writes the actions not yet written (a
                                       killed run's first); emits what --state would
                    --out FILE         write the actions to FILE (replaced atomically)
                    --lenient          report and skip bad event lines instead of failing
                    --templates DIR    MVEL message templates: T.mvel renders the body (and a first
                                       "Subject:" line the subject) of messages with template T
                    --progress         a progress line on stderr (shown anyway on a terminal)
                  An event more than 7 days older than its contact's newest applied event is late:
                  not applied, reported with its line, counted in the summary.

              check --rules FILE.drl ... [--journeys FILE.json ...] [--settings FILE] [--templates DIR]
                  Compiles the rules (and templates), validates the journeys and the settings
                  without running; prints "ok: N rules" and the rule ids, then the journey ids.
                  Either --rules or --journeys is required.

              explain (--state FILE | --store PATH) --contact ID --now INSTANT [--settings FILE]
                      [--rules FILE.drl ...] [--journeys FILE.json ...] [--format text|json]
                  Shows one contact of a state file or store at now: its facts, ledger and wake-up, and
                  for each rule whether it would fire and, if not, why (switched off, no consent,
                  withheld by which policy, in the ledger, not due until when, stale, holdout).
                  Changes nothing: the state file or store is only read. Give it the --settings,
                  --rules and --journeys of the runs; for each journey it shows the step and since
                  when, what it waits for until when and the path so far, or why the contact is not
                  in it.

              report (--state FILE | --store PATH) [--settings FILE] [--format text|json]
                  Prints the conversion report of a state file: per rule and experiment arm, the
                  messages (or holdout records) sent, contacts reached and converted (the goal event,
                  by default order.placed, within the goal window after one), rate, revenue, and each
                  variant's lift over the holdout in percentage points with its 95% interval. Runs
                  judge conversions with their settings' policies.conversion; give report the same
                  --settings for the goal line and the experiments' arms. JSON gives rates and lifts
                  as fractions. With journeys, also per journey and step the contacts that
                  reached it, wait at it, completed and exited. Compiles nothing.

              forget --store PATH --contact ID
                  Erases a contact from a store: its state, ledger, pending events and actions. An
                  event for it afterwards starts a new contact. An unknown contact is bad usage.

              import --state FILE --store PATH
                  Loads a state file into a store (created when absent), replacing the contacts the
                  file holds; the state file is only read.

              simulate --contacts N --days D [--seed S] [--html FILE] [--settings FILE]
                       [--journeys FILE.json ...]
                  Runs a synthetic shop hour by hour through the engine (standard rules plus the
                  bundled back-in-stock rule), with the engine's messages feeding back into what
                  the shoppers do, and prints a funnel report with the conversion report. --html FILE
                  also writes it as one self-contained HTML page. The same seed gives the same report.

            exit codes:
              0 done   1 other failure (also: PostgreSQL unreachable, the store in use by another run)
              2 bad usage (options, files, settings, an unknown --contact, a missing store)
              3 invalid input (bad event lines, a state file that is not Waymark's, a --store that is
                not a Waymark store or is damaged, a store of a newer Waymark)
              4 rules, templates or journeys do not compile
            A failed or killed run leaves the --state file as it was; a --store keeps what each
            committed batch did, and the next run goes on from there without losing or repeating
            an action. A rule failing for one contact is reported, rolls back only that contact,
            and does not fail the run.
            """;
}

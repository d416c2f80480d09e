package dev.waymark.examples.cli;

/** The text of {@code waymark --help}. */
final class Usage {
    private Usage() {
    }

    static final String TEXT = """
            usage: java -jar waymark.jar <command> [options]

            commands:
              run --events FILE|- --now INSTANT [--settings FILE] [--rules FILE.drl ...]
                  [--journeys FILE.json ...] [--state FILE] [--out FILE] [--lenient] [--templates DIR]
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
                    --out FILE         write the actions to FILE (replaced atomically)
                    --lenient          report and skip bad event lines instead of failing
                    --templates DIR    MVEL message templates: T.mvel renders the body (and a first
                                       "Subject:" line the subject) of messages with template T

              check --rules FILE.drl ... [--journeys FILE.json ...] [--settings FILE] [--templates DIR]
                  Compiles the rules (and templates), validates the journeys and the settings
                  without running; prints "ok: N rules" and the rule ids, then the journey ids.
                  Either --rules or --journeys is required.

              explain --state FILE --contact ID --now INSTANT [--settings FILE] [--rules FILE.drl ...]
                      [--journeys FILE.json ...] [--format text|json]
                  Shows one contact of a state file at now: its facts, ledger and wake-up, and for each
                  rule whether it would fire and, if not, why (switched off, no consent, withheld by
                  which policy, in the ledger, not due until when, stale, holdout). Changes nothing:
                  the state file is only read. Give it the --settings, --rules and --journeys of
                  the runs; for each journey it shows the step and since when, what it waits for
                  until when and the path so far, or why the contact is not in it.

              report --state FILE [--settings FILE] [--format text|json]
                  Prints the conversion report of a state file: per rule and experiment arm, the
                  messages (or holdout records) sent, contacts reached and converted (the goal event,
                  by default order.placed, within the goal window after one), rate, revenue, and each
                  variant's lift over the holdout in percentage points with its 95% interval. Runs
                  judge conversions with their settings' policies.conversion; give report the same
                  --settings for the goal line and the experiments' arms. JSON gives rates and lifts
                  as fractions. With journeys, also per journey and step the contacts that
                  reached it, wait at it, completed and exited. Compiles nothing.

              simulate --contacts N --days D [--seed S] [--html FILE] [--settings FILE]
                       [--journeys FILE.json ...]
                  Runs a synthetic shop hour by hour through the engine (standard rules plus the
                  bundled back-in-stock rule), with the engine's messages feeding back into what
                  the shoppers do, and prints a funnel report with the conversion report. --html FILE
                  also writes it as one self-contained HTML page. The same seed gives the same report.

            exit codes:
              0 done   1 other failure   2 bad usage (options, files, settings, an unknown --contact)
              3 invalid input (bad event lines, a state file that is not Waymark's)
              4 rules, templates or journeys do not compile
            A failed or killed run leaves the --state file as it was. A rule failing for one
            contact is reported, rolls back only that contact, and does not fail the run.
            """;
}

package dev.waymark.examples.cli;

import java.io.IOException;

/**
 * One command of the {@code waymark} command line. Its options are picocli-annotated fields that {@link Cli}
 * fills in before calling {@link #run()} once; an instance serves one invocation.
 */
interface CliCommand {
    /**
     * Does the command's work; returns normally only on success.
     *
     * @throws CliException a failure to report with its exit status
     * @throws IOException an I/O failure (exit 1)
     */
    void run() throws IOException;
}

package dev.waymark.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.examples.cli.JarRunner.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end on the built jar: a template that tries to leave its sandbox stops the run before any work
 * (exit 4, file and line), and a custom rule that never returns ends the run with a clear message and a
 * non-zero exit instead of hanging, the state file untouched.
 */
class SandboxJarIT {

    static final String NOW = "2026-11-20T14:00:00Z";

    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, List.of(lines), StandardCharsets.UTF_8);
        return p;
    }

    private Path events() throws IOException {
        return write("events.jsonl",
                WaymarkJarIT.event("e-1", "c-1", "subscribed", "2026-11-20T08:00:00Z", "{\"channel\":\"email\"}"),
                WaymarkJarIT.event("e-2", "c-1", "cart.item_added", "2026-11-20T09:00:00Z", "{\"cartId\":\"k-1\",\"sku\":\"MUG-1\",\"price\":12.5}"),
                WaymarkJarIT.event("e-3", "c-2", "page.viewed", "2026-11-20T09:00:00Z", "{}"));
    }

    /** A state file written by a good run, and its bytes. */
    private byte[] goodState(Path state, Path events) throws IOException {
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", "2026-11-20T09:30:00Z", "--state", state.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        return Files.readAllBytes(state);
    }

    @Test
    void templateEscape_exitsFourNamingFileAndLine_andLeavesTheState() throws IOException {
        Path events = events();
        Path state = dir.resolve("state.jsonl");
        byte[] before = goodState(state, events);
        write("templates/abandoned-cart.mvel", "Subject: hi", "@{System.exit(7)}");
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--state", state.toString(),
                "--templates", dir.resolve("templates").toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).contains("abandoned-cart.mvel:2: 'System' is not allowed in a template");
        assertThat(r.stdout()).isEmpty();
        assertThat(Files.readAllBytes(state)).isEqualTo(before);
    }

    @Test
    void ruleThatNeverReturns_endsTheRunNonZeroWithTheMessage_andLeavesTheState() throws IOException {
        Path events = events();
        Path state = dir.resolve("state.jsonl");
        byte[] before = goodState(state, events);
        Path spin = write("spin.drl",
                "package shop.rules;",
                "import dev.waymark.Contact;",
                "global dev.waymark.drools.RuleContext waymark;",
                "rule \"spin\" @dueTimes",
                "when",
                "    $c : Contact( id == \"c-2\" )",
                "then",
                "    long n = 0;",
                "    while (true) { n++; }",
                "end");
        long start = System.nanoTime();
        Result r = JarRunner.run(dir, "run", "--events", events.toString(), "--now", NOW, "--state", state.toString(),
                "--rules", spin.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).contains("waymark: rule 'spin' for contact c-2 did not return within 30 s")
                .contains("the run is stopped and a state file is left as it was");
        assertThat(Files.readAllBytes(state)).isEqualTo(before);
        // the default limit is 30 s; the run ends within a few seconds of it rather than never
        assertThat((System.nanoTime() - start) / 1_000_000_000L).isLessThan(60);
    }
}

package dev.waymark.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.waymark.JourneyEngine;
import dev.waymark.drools.Waymark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every code block a reader may paste is code the build compiles: each {@code ```java} block of README.md,
 * docs/*.md and examples/embed/README.md must equal a region {@code // snippet:NAME … // end:NAME} of a
 * compiled source (this package, or the embed example's sources), and each {@code ```drl} block must equal a
 * rule file under src/test/resources that this test compiles. Compared after removing the common indentation
 * and trailing spaces, so a region indented inside a method matches a block that is not.
 */
class DocSnippetsTest {

    /** The repository root: surefire runs in the module's folder. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    static final List<Path> SNIPPET_SOURCES = List.of(
            ROOT.resolve("engine-examples/src/test/java/dev/waymark/examples/snippets"),
            ROOT.resolve("examples/embed/src/main/java"));

    static final Path RULE_FILES = ROOT.resolve("engine-examples/src/test/resources/shop/rules");

    /** A fenced block of a document: where it starts (for messages), its language and its text. */
    record Block(Path file, int line, String language, String text) {
        String place() {
            return ROOT.relativize(file) + " line " + line;
        }
    }

    @Test
    void everyJavaBlockOfTheDocuments_isARegionOfACompiledSource() {
        Map<String, String> regions = regions();
        List<Block> java = blocks("java");
        assertThat(java).as("java blocks found in the documents").hasSizeGreaterThanOrEqualTo(8);
        List<String> problems = new ArrayList<>();
        for (Block b : java) {
            if (!regions.containsValue(b.text())) {
                problems.add(b.place() + ": this java block is no `// snippet:` region of a compiled source"
                        + nearest(b.text(), regions));
            }
        }
        assertThat(problems).as("java blocks that drifted from their compiled snippet").isEmpty();
    }

    @Test
    void everySnippetRegion_isShownInADocument() {
        Set<String> shown = blocks("java").stream().map(Block::text).collect(Collectors.toSet());
        List<String> unused = regions().entrySet().stream().filter(r -> !shown.contains(r.getValue()))
                .map(Map.Entry::getKey).toList();
        assertThat(unused).as("snippet regions no document shows (remove them, or show them)").isEmpty();
    }

    @Test
    void everyDrlBlockOfTheDocuments_isACompiledRuleFile() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(RULE_FILES)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".drl")).sorted().toList()) {
                files.put(f.getFileName().toString(), normalize(Files.readString(f)));
                // Compiles it, beside the standard rules: a rule file that stops compiling fails here.
                JourneyEngine engine = Waymark.builder().rules(f).build();
                assertThat(engine.ruleIds()).as(f.toString()).hasSizeGreaterThan(10);
            }
        }
        List<Block> drl = blocks("drl");
        assertThat(drl).as("drl blocks found in the documents").isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Block b : drl) {
            if (!files.containsValue(b.text())) {
                problems.add(b.place() + ": this drl block is none of the compiled rule files " + files.keySet()
                        + nearest(b.text(), files));
            }
        }
        assertThat(problems).as("drl blocks that drifted from their compiled rule file").isEmpty();
    }

    @Test
    void aDriftedBlock_isReportedWithItsPlaceAndTheFirstDifferingLine() {
        Map<String, String> regions = Map.of("demo", "int a = 1;\nint b = 2;");
        assertThat(nearest("int a = 1;\nint b = 3;", regions))
                .contains("nearest region: demo")
                .contains("line 2")
                .contains("int b = 2;")
                .contains("int b = 3;");
    }

    // ------------------------------------------------------------------------------------------ parsing

    static List<Block> blocks(String language) {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        docs.add(ROOT.resolve("examples/embed/README.md"));
        try (Stream<Path> s = Files.list(ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> out = new ArrayList<>();
        for (Path doc : docs) {
            List<String> lines = read(doc).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String fence = lines.get(i).strip();
                if (fence.startsWith("```") && fence.length() > 3) {
                    int start = i;
                    StringBuilder text = new StringBuilder();
                    while (++i < lines.size() && !lines.get(i).strip().equals("```")) {
                        text.append(lines.get(i)).append('\n');
                    }
                    if (fence.substring(3).strip().equals(language)) {
                        out.add(new Block(doc, start + 1, language, normalize(text.toString())));
                    }
                }
            }
        }
        return out;
    }

    /** Every {@code // snippet:NAME … // end:NAME} region of the snippet sources, by name. */
    static Map<String, String> regions() {
        Map<String, String> regions = new LinkedHashMap<>();
        for (Path dir : SNIPPET_SOURCES) {
            List<Path> sources;
            try (Stream<Path> s = Files.walk(dir)) {
                sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Path source : sources) {
                List<String> lines = read(source).lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    String l = lines.get(i).strip();
                    if (l.startsWith("// snippet:")) {
                        String name = l.substring("// snippet:".length()).strip();
                        StringBuilder text = new StringBuilder();
                        int j = i + 1;
                        while (j < lines.size() && !lines.get(j).strip().equals("// end:" + name)) {
                            text.append(lines.get(j++)).append('\n');
                        }
                        assertThat(j).as(source + ": region " + name + " has no // end:" + name).isLessThan(lines.size());
                        assertThat(regions.put(name, normalize(text.toString())))
                                .as("snippet region " + name + " defined twice").isNull();
                    }
                }
            }
        }
        return regions;
    }

    /** Without trailing spaces, leading and trailing blank lines, and the indentation all lines share. */
    static String normalize(String text) {
        List<String> lines = new ArrayList<>(text.lines().map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.get(0).isEmpty()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int indent = lines.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).collect(Collectors.joining("\n"));
    }

    /** The region sharing most lines with {@code text}, and the first line where they differ. */
    static String nearest(String text, Map<String, String> candidates) {
        List<String> wanted = text.lines().toList();
        String best = null;
        long bestShared = -1;
        for (Map.Entry<String, String> c : candidates.entrySet()) {
            Set<String> lines = new TreeSet<>(c.getValue().lines().toList());
            long shared = wanted.stream().filter(lines::contains).count();
            if (shared > bestShared) {
                bestShared = shared;
                best = c.getKey();
            }
        }
        if (best == null) {
            return "";
        }
        List<String> have = candidates.get(best).lines().toList();
        int i = 0;
        while (i < wanted.size() && i < have.size() && wanted.get(i).equals(have.get(i))) {
            i++;
        }
        return "; nearest region: " + best + ", which differs at its line " + (i + 1) + ": the source has `"
                + (i < have.size() ? have.get(i) : "(end)") + "`, the document `"
                + (i < wanted.size() ? wanted.get(i) : "(end)") + "`";
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

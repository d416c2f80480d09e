package dev.waymark.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md, docs/*.md and examples/embed/README.md leads somewhere: the file exists,
 * and an {@code #anchor} is a heading of it (GitHub's anchors: lowercase, punctuation dropped, spaces as
 * hyphens). Moving a section or renaming a heading otherwise breaks the reference silently.
 */
class DocLinksTest {

    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @Test
    void everyRelativeLink_leadsToAnExistingFileAndHeading() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(DocSnippetsTest.ROOT.resolve("README.md"),
                DocSnippetsTest.ROOT.resolve("examples/embed/README.md")));
        try (Stream<Path> s = Files.list(DocSnippetsTest.ROOT.resolve("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc);
            boolean inFence = false;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("```")) {
                    inFence = !inFence;
                }
                if (inFence) {
                    continue;
                }
                Matcher m = LINK.matcher(lines.get(i));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("^[a-z]+:.*")) {
                        continue; // an absolute URL
                    }
                    checked++;
                    String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                    String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                    Path to = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                    String place = DocSnippetsTest.ROOT.relativize(doc) + " line " + (i + 1) + ": " + target;
                    if (!Files.exists(to)) {
                        broken.add(place + " (no such file)");
                    } else if (anchor != null && !anchors(to).contains(anchor)) {
                        broken.add(place + " (no such heading in " + DocSnippetsTest.ROOT.relativize(to) + ")");
                    }
                }
            }
        }
        assertThat(checked).as("relative links checked").isGreaterThan(30);
        assertThat(broken).as("broken links").isEmpty();
    }

    static Set<String> anchors(Path markdown) throws IOException {
        Set<String> out = new HashSet<>();
        boolean inFence = false;
        for (String line : Files.readAllLines(markdown)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
            }
            if (!inFence && line.startsWith("#")) {
                String title = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
                out.add(title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return out;
    }
}

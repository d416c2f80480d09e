package dev.waymark.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The copyable project examples/embed has no parent, so nothing ties its pom to this build but this test: it
 * must build against this very version of the engine, and with the compiler plugin that knows {@code release}.
 */
class EmbedExampleProjectTest {

    static final Path ROOT = DocSnippetsTest.ROOT;

    @Test
    void theEmbedExample_dependsOnThisVersionOfTheEngine() {
        String parent = DocSnippetsTest.read(ROOT.resolve("pom.xml"));
        String example = DocSnippetsTest.read(ROOT.resolve("examples/embed/pom.xml"));
        String version = first(parent, "<artifactId>waymark-parent</artifactId>\\s*<version>([^<]+)</version>");
        assertThat(first(example, "<waymark.version>([^<]+)</waymark.version>"))
                .as("examples/embed/pom.xml <waymark.version> (bump it with the project version)").isEqualTo(version);
        assertThat(example).doesNotContain("<parent>").contains("<version>${waymark.version}</version>");
    }

    @Test
    void theEmbedExample_pinsTheCompilerPluginTheParentPins_withRelease17() {
        String parent = DocSnippetsTest.read(ROOT.resolve("pom.xml"));
        String example = DocSnippetsTest.read(ROOT.resolve("examples/embed/pom.xml"));
        String pinned = first(parent, "<artifactId>maven-compiler-plugin</artifactId>\\s*<version>([^<]+)</version>");
        assertThat(first(example, "<artifactId>maven-compiler-plugin</artifactId>\\s*<version>([^<]+)</version>"))
                .isEqualTo(pinned);
        assertThat(example).contains("<release>17</release>");
        assertThat(parent).contains("<module>examples/embed</module>");
    }

    static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("pattern " + regex).isTrue();
        return m.group(1).strip();
    }
}

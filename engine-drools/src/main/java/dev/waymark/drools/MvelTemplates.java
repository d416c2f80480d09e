package dev.waymark.drools;

import dev.waymark.Action;
import dev.waymark.Contact;
import dev.waymark.RuleCompilationException;
import dev.waymark.WaymarkException;
import dev.waymark.core.MessageRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mvel2.templates.CompiledTemplate;
import org.mvel2.templates.TemplateCompiler;
import org.mvel2.templates.TemplateRuntime;

/**
 * Message templates (docs/templates.md): every {@code T.mvel} of a folder, compiled once, rendered for a message whose
 * {@code params.template} is {@code T} with {@code contact} (id, attributes, tags, stage), {@code params} and
 * {@code now} in scope. A first line {@code Subject: …} becomes {@code params.subject}. Thread-safe.
 */
final class MvelTemplates implements MessageRenderer {

    private static final Pattern LINE = Pattern.compile("\\[Line: (\\d+)");
    private static final String SUBJECT = "Subject:";

    private record Template(String file, CompiledTemplate compiled, int lines) {
    }

    private final Map<String, Template> templates;

    private MvelTemplates(Map<String, Template> templates) {
        this.templates = templates;
    }

    /**
     * Compiles every {@code *.mvel} file of {@code dir}.
     *
     * @throws RuleCompilationException naming file and line of every template that does not compile
     * @throws WaymarkException when the folder cannot be read
     */
    public static MvelTemplates load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new WaymarkException("templates folder " + dir + " does not exist or is not a folder");
        }
        Map<String, Template> templates = new TreeMap<>();
        List<RuleCompilationException.Problem> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".mvel")).sorted().toList();
        } catch (IOException e) {
            throw new WaymarkException("cannot list templates folder " + dir + ": " + e.getMessage(), e);
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new WaymarkException("cannot read template " + file + ": " + e.getMessage(), e);
            }
            int lines = (int) text.lines().count();
            try {
                templates.put(name.substring(0, name.length() - ".mvel".length()),
                        new Template(file.toString(), TemplateCompiler.compileTemplate(text), lines));
            } catch (RuntimeException e) {
                problems.add(new RuleCompilationException.Problem(file.toString(), line(e, lines), firstLine(e)));
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        return new MvelTemplates(Map.copyOf(templates));
    }

    /** Names of the templates, without {@code .mvel}. */
    public java.util.Set<String> names() {
        return templates.keySet();
    }

    @Override
    public Rendered render(Action message, Contact contact, Instant now) {
        Object name = message.params().get("template");
        Template t = name == null ? null : templates.get(name.toString());
        if (t == null) {
            return new Rendered(message, null);
        }
        Map<String, Object> contactView = new HashMap<>();
        contactView.put("id", contact.id());
        contactView.put("attributes", contact.attributes());
        contactView.put("tags", contact.tags());
        contactView.put("stage", contact.stage() == null ? null : contact.stage().id());
        Map<String, Object> vars = new HashMap<>();
        vars.put("contact", contactView);
        vars.put("params", message.params());
        vars.put("now", now);
        String text;
        try {
            // MVEL's accessor optimiser mutates compiled nodes on first use: one render of a template at a time.
            synchronized (t) {
                text = String.valueOf(TemplateRuntime.execute(t.compiled(), null, vars));
            }
        } catch (RuntimeException e) {
            int line = line(e, t.lines());
            return new Rendered(message, t.file() + (line > 0 ? ":" + line : "") + ": " + firstLine(e));
        }
        Action rendered = message;
        if (text.startsWith(SUBJECT)) {
            int nl = text.indexOf('\n');
            String subject = (nl < 0 ? text : text.substring(0, nl)).substring(SUBJECT.length()).strip();
            rendered = rendered.withParam("subject", subject);
            text = nl < 0 ? "" : text.substring(nl + 1);
        }
        return new Rendered(rendered.withParam("body", text), null);
    }

    private static int line(RuntimeException e, int lines) {
        Matcher m = LINE.matcher(String.valueOf(e.getMessage()));
        int line = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return Math.min(line, Math.max(lines, 1));
    }

    private static String firstLine(RuntimeException e) {
        String msg = String.valueOf(e.getMessage()).strip();
        // MVEL nests "[Error: ...]" markers; keep the innermost reason, on one line.
        Matcher m = Pattern.compile("\\[Error: ([^\\[\\]\\n]+)\\]").matcher(msg);
        return m.find() ? m.group(1).strip() : msg.lines().findFirst().orElse(e.getClass().getSimpleName());
    }
}

package dev.waymark.drools;

import dev.waymark.Action;
import dev.waymark.Contact;
import dev.waymark.RuleCompilationException;
import dev.waymark.WaymarkException;
import dev.waymark.core.MessageRenderer;
import dev.waymark.drools.internal.TemplateFunctions;
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
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.mvel2.ParserContext;
import org.mvel2.integration.impl.MapVariableResolverFactory;
import org.mvel2.templates.CompiledTemplate;
import org.mvel2.templates.TemplateCompiler;
import org.mvel2.templates.TemplateRuntime;
import org.mvel2.templates.res.CommentNode;
import org.mvel2.templates.res.CompiledExpressionNode;
import org.mvel2.templates.res.CompiledForEachNode;
import org.mvel2.templates.res.CompiledIfNode;
import org.mvel2.templates.res.CompiledTerminalExpressionNode;
import org.mvel2.templates.res.EndNode;
import org.mvel2.templates.res.Node;
import org.mvel2.templates.res.TerminalNode;
import org.mvel2.templates.res.TextNode;
import org.mvel2.templates.util.TemplateOutputStream;

/**
 * Message templates (docs/templates.md): every {@code T.mvel} of a folder, compiled once, rendered for a message whose
 * {@code params.template} is {@code T} with {@code contact} (id, attributes, tags, stage), {@code params} and
 * {@code now} in scope. A first line {@code Subject: …} becomes {@code params.subject}.
 *
 * <p><b>Sandbox.</b> Templates are what marketers edit, so they are held to the safe subset of
 * {@link TemplateSubset}: reading the three variables and their properties, {@code @if}/{@code @foreach},
 * literals, operators and the helpers of {@link TemplateFunctions} ({@code number(x)}, {@code number(x, digits)},
 * {@code money(x, "EUR")}, {@code date(x)}, {@code date(x, "d MMM yyyy")}, dates in the contact's
 * {@code attributes.timezone}, UTC when absent or invalid). Anything else fails {@link #load} naming file and line.
 *
 * <p><b>Budget.</b> One rendering writes at most {@link #MAX_OUTPUT} characters and runs at most
 * {@link #MAX_ITERATIONS} {@code @foreach} iterations in all; a template over either fails that message's
 * rendering like any render failure. With no loops or calls beyond the helpers in the subset, these two bound
 * a rendering's time too.
 *
 * <p>Thread-safe: compiled templates are shared; one rendering of a template runs at a time (MVEL's
 * optimiser mutates compiled nodes on first use).
 */
final class MvelTemplates implements MessageRenderer {

    private static final Pattern LINE = Pattern.compile("\\[Line: (\\d+)");
    private static final Pattern ERROR = Pattern.compile("\\[Error: ([^\\[\\]\\n]+)\\]");
    private static final String SUBJECT = "Subject:";
    /** Most characters one rendering may write (64 KiB), subject line included. */
    static final int MAX_OUTPUT = 64 * 1024;
    /** Most {@code @foreach} iterations of one rendering, over all its loops together. */
    static final int MAX_ITERATIONS = 10_000;
    /** The node types a template of the subset compiles to; anything else is refused even if it got this far. */
    private static final Set<Class<?>> SAFE_NODES = Set.of(TextNode.class, CompiledExpressionNode.class,
            CompiledTerminalExpressionNode.class, CompiledIfNode.class, CompiledForEachNode.class, TerminalNode.class,
            EndNode.class, CommentNode.class);

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
                        new Template(file.toString(), compile(text), lines));
            } catch (TemplateSubset.Violation v) {
                problems.add(new RuleCompilationException.Problem(file.toString(), v.line, v.getMessage()));
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
        // Only immutable JSON-like values reach a template (the contact's frozen facts and the action's canonical
        // params), each map seen through a KeyView, so no property read can change anything or call a method.
        Map<String, Object> contactView = new HashMap<>();
        contactView.put("id", contact.id());
        contactView.put("attributes", new KeyView(contact.attributes()));
        contactView.put("tags", contact.tags());
        contactView.put("stage", contact.stage() == null ? null : contact.stage().id());
        TemplateFunctions.Render budget = new TemplateFunctions.Render(contact.zone(java.time.ZoneOffset.UTC), MAX_ITERATIONS);
        Map<String, Object> vars = new HashMap<>();
        vars.put("contact", new KeyView(contactView));
        vars.put("params", new KeyView(message.params()));
        vars.put("now", now);
        vars.put(TemplateSubset.RENDER, budget);
        String text;
        try {
            // MVEL's accessor optimiser mutates compiled nodes on first use: one render of a template at a time.
            synchronized (t) {
                text = String.valueOf(TemplateRuntime.execute(t.compiled(), null, new MapVariableResolverFactory(vars), null,
                        new BudgetedOutput(budget)));
            }
            if (text.length() > MAX_OUTPUT) { // a template of one expression returns its value without writing it
                budget.exceeded("over the budget of " + MAX_OUTPUT + " characters of output");
            }
        } catch (RuntimeException e) {
            if (budget.overBudget() != null) {
                return new Rendered(message, t.file() + ": " + budget.overBudget());
            }
            int line = line(e, t.lines());
            return new Rendered(message, t.file() + (line > 0 ? ":" + line : "") + ": " + reason(e));
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

    /**
     * Compiles a template of the subset: checked first (nothing of a template outside it reaches MVEL's
     * compiler), then compiled with the helpers imported, then its node types checked again.
     */
    private static CompiledTemplate compile(String text) {
        String checked = TemplateSubset.check(text);
        ParserContext context = new ParserContext();
        try {
            context.addImport(TemplateSubset.EACH, TemplateFunctions.class.getMethod("each", TemplateFunctions.Render.class, Object.class));
            for (Map.Entry<String, int[]> h : TemplateSubset.HELPERS.entrySet()) {
                for (int args = h.getValue()[0]; args <= h.getValue()[1]; args++) {
                    Class<?>[] types = new Class<?>[args + 1];
                    types[0] = TemplateFunctions.Render.class;
                    java.util.Arrays.fill(types, 1, types.length, Object.class);
                    Method m = TemplateFunctions.class.getMethod(h.getKey(), types);
                    context.addImport(TemplateSubset.helperName(h.getKey(), args), m);
                }
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("a template helper is missing: " + e.getMessage(), e);
        }
        CompiledTemplate compiled = new TemplateCompiler(checked, true, context).compile();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
        todo.push(compiled.getRoot());
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) {
                continue;
            }
            if (!SAFE_NODES.contains(n.getClass())) {
                throw new TemplateSubset.Violation(TemplateSubset.lineAt(checked, n.getBegin()),
                        "@" + n.getName() + "{} is not allowed in a template");
            }
            for (Node m : new Node[] {n.next, n instanceof CompiledIfNode i ? i.getTrueNode() : null,
                    n instanceof CompiledForEachNode f ? f.nestedNode : null}) {
                if (m != null) {
                    todo.push(m);
                }
            }
        }
        return compiled;
    }

    /**
     * A read-only view of a map in which every property is a key: {@code m.x} is the value of key {@code x},
     * or null when there is none (MVEL would otherwise fall back to a no-argument method of the map's class,
     * such as {@code m.clear}, or fail). Nested maps and lists are seen the same way, lazily.
     */
    private static final class KeyView extends java.util.AbstractMap<String, Object> {
        private final Map<String, ?> map;

        KeyView(Map<String, ?> map) {
            this.map = map;
        }

        @Override
        public boolean containsKey(Object key) {
            return true;
        }

        @Override
        public Object get(Object key) {
            return view(map.get(key));
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            java.util.LinkedHashMap<String, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, view(v)));
            return Collections.unmodifiableMap(copy).entrySet();
        }

        @Override
        public Object put(String key, Object value) {
            throw new UnsupportedOperationException("a template cannot change " + key);
        }

        @SuppressWarnings("unchecked")
        static Object view(Object v) {
            if (v instanceof Map<?, ?> m) {
                return new KeyView((Map<String, ?>) m);
            }
            if (v instanceof List<?> l) {
                return new java.util.AbstractList<Object>() {
                    @Override
                    public Object get(int index) {
                        return view(l.get(index));
                    }

                    @Override
                    public int size() {
                        return l.size();
                    }
                };
            }
            return v;
        }
    }

    /** A rendering's output, refusing to grow past {@link #MAX_OUTPUT} characters. */
    private static final class BudgetedOutput implements TemplateOutputStream {
        private final StringBuilder out = new StringBuilder();
        private final TemplateFunctions.Render budget;

        BudgetedOutput(TemplateFunctions.Render budget) {
            this.budget = budget;
        }

        @Override
        public TemplateOutputStream append(CharSequence c) {
            grow(c.length());
            out.append(c);
            return this;
        }

        @Override
        public TemplateOutputStream append(char[] c) {
            grow(c.length);
            out.append(c);
            return this;
        }

        private void grow(int n) {
            if (out.length() + (long) n > MAX_OUTPUT) {
                budget.exceeded("over the budget of " + MAX_OUTPUT + " characters of output");
            }
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }

    /** Why a rendering failed: a helper's own message when one refused its argument, else MVEL's reason. */
    private static String reason(RuntimeException e) {
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof IllegalArgumentException && c.getMessage() != null && c.getStackTrace().length > 0
                    && c.getStackTrace()[0].getClassName().equals(TemplateFunctions.class.getName())) {
                return c.getMessage();
            }
        }
        return firstLine(e);
    }

    private static String firstLine(RuntimeException e) {
        String msg = String.valueOf(e.getMessage()).strip();
        // MVEL nests "[Error: ...]" markers; keep the innermost reason, on one line.
        Matcher m = ERROR.matcher(msg);
        return m.find() ? m.group(1).strip() : msg.lines().findFirst().orElse(e.getClass().getSimpleName());
    }
}

package dev.waymark.drools;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mvel2.templates.TemplateCompiler;
import org.mvel2.templates.res.CommentNode;
import org.mvel2.templates.res.EndNode;
import org.mvel2.templates.res.ExpressionNode;
import org.mvel2.templates.res.ForEachNode;
import org.mvel2.templates.res.IfNode;
import org.mvel2.templates.res.Node;
import org.mvel2.templates.res.TerminalExpressionNode;
import org.mvel2.templates.res.TerminalNode;
import org.mvel2.templates.res.TextNode;

/**
 * The safe subset of MVEL templates, checked before MVEL compiles anything: marketers edit templates, so a
 * template must not reach the file system, the process or any class. A whitelist: every tag and every token
 * of every expression must be one this class knows to be safe, anything else is rejected with its line.
 *
 * <p>Allowed tags: text, {@code @{expr}} (and MVEL's {@code ${expr}}), {@code @if{expr}} / {@code @elseif{expr}} /
 * {@code @else{}} / {@code @end{}}, {@code @foreach{item : expr}} ... {@code @end{}} (with an optional separator
 * expression in the {@code @end}), {@code @comment{}}. Allowed in an expression: the variables {@code contact},
 * {@code params}, {@code now} and the item of each enclosing {@code @foreach}; their properties
 * ({@code a.b}, {@code a["key"]}, {@code a[0]}), but not {@code class} or {@code getClass}; string and decimal
 * number literals, {@code true}, {@code false}, {@code null}, {@code empty}; the operators {@code + - * / %},
 * {@code == != < > <= >=}, {@code contains}, {@code && || !}, {@code ? :} and parentheses; calls of the helpers {@link #HELPERS}
 * only. Nothing else: no {@code new}, no method calls, no class names, no assignment, no {@code ;}, no
 * {@code @code}, {@code @declare}, {@code @include}, {@code @includeNamed}, {@code @eval}.
 *
 * <p>The text MVEL then compiles is the template with two controlled insertions: each helper call gets the
 * message's {@link dev.waymark.drools.internal.TemplateFunctions.Render} as a hidden first argument, and each
 * {@code @foreach} walks its collection through {@code TemplateFunctions.each}, which counts iterations. The
 * hidden names start with {@code _}, which no template identifier may. Lines are kept, so MVEL's own
 * errors still name the template's line. Stateless and thread-safe.
 */
final class TemplateSubset {

    /** The variables a template reads. */
    static final Set<String> ROOTS = Set.of("contact", "params", "now");
    /** The helpers a template may call, with the least and most arguments each takes. */
    static final Map<String, int[]> HELPERS = Map.of("number", new int[] {1, 2}, "money", new int[] {2, 2}, "date", new int[] {1, 2});
    private static final Set<String> LITERALS = Set.of("true", "false", "null", "empty");
    /**
     * Property names refused after a dot: those that reach a {@code Class} (the way out of any sandbox), and
     * MVEL's keywords, which MVEL may read as something else there (a map key of that name is {@code m["new"]}).
     */
    private static final Set<String> FORBIDDEN_PROPERTIES = Set.of("class", "getClass", "new", "import", "def",
            "function", "if", "else", "while", "for", "foreach", "do", "until", "return", "assert", "with", "isdef",
            "instanceof", "is", "contains", "soundslike", "strsim", "convertable_to", "this", "var", "switch", "typeof");
    /** The hidden variable holding the rendering's state, and the iteration wrapper of {@code @foreach}. */
    static final String RENDER = "_r";
    static final String EACH = "_each";
    private static final String ALLOWED = "a template reads contact, params and now (and @foreach items), "
            + "their properties, literals and operators, and calls only the helpers number, money and date";

    private TemplateSubset() {
    }

    /** A template outside the subset, or that does not parse: the 1-based line and what is wrong there. */
    static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        Violation(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private record Edit(int start, int end, String text) {
    }

    /**
     * Checks {@code text} against the subset and returns the text for MVEL to compile.
     *
     * @throws Violation naming the first line outside the subset
     * @throws RuntimeException MVEL's own error when the tags do not even parse (with its line)
     */
    static String check(String text) {
        // MVEL's own tag parser, in its interpreted mode: it finds the tags exactly as the compiler will, and
        // compiles (so resolves, so loads) nothing.
        Node root = new TemplateCompiler(text, false).compile().getRoot();
        List<Edit> edits = new ArrayList<>();
        Deque<Object[]> todo = new ArrayDeque<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        todo.push(new Object[] {root, Set.<String>of()});
        while (!todo.isEmpty()) {
            Object[] item = todo.pop();
            Node n = (Node) item[0];
            @SuppressWarnings("unchecked")
            Set<String> scope = (Set<String>) item[1];
            if (n == null || !seen.add(n)) {
                continue;
            }
            if (n instanceof ForEachNode f) {
                int start = f.getCStart();
                int end = f.getCEnd();
                String header = text.substring(start, end);
                int colon = header.indexOf(':');
                String name = colon < 0 ? "" : header.substring(0, colon).strip();
                int line = lineAt(text, start);
                if (colon < 0 || !name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                    throw new Violation(line, "@foreach{} needs one 'item : list', got '" + header.strip() + "'");
                }
                if (ROOTS.contains(name) || HELPERS.containsKey(name) || LITERALS.contains(name) || scope.contains(name)) {
                    throw new Violation(line, "@foreach item '" + name + "' hides a name already in use; choose another");
                }
                String list = expression(text, start + colon + 1, end, scope);
                edits.add(new Edit(start, end, name + " : " + EACH + "(" + RENDER + ", " + list + ")"));
                Set<String> inner = new HashSet<>(scope);
                inner.add(name);
                todo.push(new Object[] {f.next, scope}); // after the loop: the item is gone
                Node terminus = f.getTerminus();
                if (terminus != null && terminus.getEnd() > terminus.getCStart()) {
                    // the separator of @end{", "}: MVEL evaluates it outside the loop's variables
                    String sep = text.substring(terminus.getCStart(), terminus.getEnd());
                    if (!sep.isBlank()) {
                        edits.add(new Edit(terminus.getCStart(), terminus.getEnd(),
                                expression(text, terminus.getCStart(), terminus.getEnd(), scope)));
                    }
                }
                todo.push(new Object[] {f.nestedNode, Collections.unmodifiableSet(inner)});
            } else if (n instanceof IfNode i) {
                if (i.getCEnd() > i.getCStart()) {
                    edits.add(new Edit(i.getCStart(), i.getCEnd(), expression(text, i.getCStart(), i.getCEnd(), scope)));
                }
                todo.push(new Object[] {i.next, scope});
                todo.push(new Object[] {i.getTrueNode(), scope});
            } else if (n instanceof ExpressionNode || n instanceof TerminalExpressionNode) {
                edits.add(new Edit(n.getCStart(), n.getCEnd(), expression(text, n.getCStart(), n.getCEnd(), scope)));
                todo.push(new Object[] {n.next, scope});
            } else if (n instanceof TextNode || n instanceof TerminalNode || n instanceof CommentNode || n instanceof EndNode) {
                todo.push(new Object[] {n.next, scope});
            } else {
                String tag = n.getName() == null ? n.getClass().getSimpleName() : n.getName();
                throw new Violation(lineAt(text, n.getBegin()), "@" + tag + "{} is not allowed in a template (" + ALLOWED + ")");
            }
        }
        edits.sort((a, b) -> Integer.compare(b.start(), a.start()));
        StringBuilder out = new StringBuilder(text);
        for (Edit e : edits) {
            out.replace(e.start(), e.end(), e.text());
        }
        return out.toString();
    }

    /** The name MVEL knows the helper {@code name} with {@code args} arguments by (it imports one method per name). */
    static String helperName(String name, int args) {
        return "_" + name + args;
    }

    static int lineAt(String text, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private enum Kind { IDENT, NUMBER, STRING, OP }

    private record Token(Kind kind, String text, int start, int end) {
    }

    /** The kind of an open bracket: a group, a helper's argument list, an index. */
    private static final class Frame {
        final char close;
        final String helper;
        /** Where the helper's name starts and its '(' ends, for the rewrite. */
        final int nameStart;
        final int parenEnd;
        int args = 1;
        int pendingTernary;

        Frame(char close, String helper, int nameStart, int parenEnd) {
            this.close = close;
            this.helper = helper;
            this.nameStart = nameStart;
            this.parenEnd = parenEnd;
        }

        Frame(char close) {
            this(close, null, -1, -1);
        }
    }

    private static final List<String> OPERATORS = List.of("==", "!=", "<=", ">=", "&&", "||",
            ".", "(", ")", "[", "]", ",", "+", "-", "*", "/", "%", "<", ">", "!", "?", ":");

    /**
     * Checks the expression {@code text[from, to)} with the foreach items {@code scope} and returns it with
     * the render argument added to each helper call.
     */
    private static String expression(String text, int from, int to, Set<String> scope) {
        List<Token> tokens = tokens(text, from, to);
        if (tokens.isEmpty()) {
            throw new Violation(lineAt(text, from), "empty expression");
        }
        Deque<Frame> frames = new ArrayDeque<>();
        frames.push(new Frame('\0'));
        boolean operand = true; // expecting an operand (else an operator)
        List<Edit> calls = new ArrayList<>();
        for (int k = 0; k < tokens.size(); k++) {
            Token t = tokens.get(k);
            Token next = k + 1 < tokens.size() ? tokens.get(k + 1) : null;
            int line = lineAt(text, t.start());
            String s = t.text();
            if (operand) {
                switch (t.kind()) {
                    case NUMBER, STRING -> operand = false;
                    case IDENT -> {
                        if (LITERALS.contains(s) || ROOTS.contains(s) || scope.contains(s)) {
                            if (next != null && next.text().equals("(")) {
                                throw new Violation(line, "'" + s + "(...)' is not a helper: " + ALLOWED);
                            }
                            operand = false;
                        } else if (HELPERS.containsKey(s) && next != null && next.text().equals("(")) {
                            k++;
                            frames.push(new Frame(')', s, t.start(), next.end()));
                            if (k + 1 < tokens.size() && tokens.get(k + 1).text().equals(")")) {
                                throw new Violation(line, s + "() needs an argument");
                            }
                        } else if (s.equals("new")) {
                            throw new Violation(line, "'new' is not allowed in a template (no objects are created): " + ALLOWED);
                        } else {
                            throw new Violation(line, "'" + s + "' is not allowed in a template: " + ALLOWED);
                        }
                    }
                    case OP -> {
                        switch (s) {
                            case "(" -> frames.push(new Frame(')'));
                            case "!", "-" -> { } // unary: an operand still follows
                            default -> throw new Violation(line, "unexpected '" + s + "' where a value belongs");
                        }
                    }
                }
                continue;
            }
            // expecting an operator
            if (t.kind() == Kind.IDENT && s.equals("contains")) {
                operand = true; // MVEL's membership operator: a list, a set of tags, a text
                continue;
            }
            if (t.kind() != Kind.OP) {
                throw new Violation(line, "'" + s + "' is not allowed here: " + ALLOWED);
            }
            switch (s) {
                case "." -> {
                    if (next == null || next.kind() != Kind.IDENT) {
                        throw new Violation(line, "a property name must follow '.'");
                    }
                    if (FORBIDDEN_PROPERTIES.contains(next.text())) {
                        throw new Violation(line, "'." + next.text() + "' is not allowed in a template"
                                + (next.text().toLowerCase(java.util.Locale.ROOT).contains("class") ? " (no class access)"
                                : " (a key of that name is read as [\"" + next.text() + "\"])") + ": " + ALLOWED);
                    }
                    Token after = k + 2 < tokens.size() ? tokens.get(k + 2) : null;
                    if (after != null && after.text().equals("(")) {
                        throw new Violation(line, "method call '." + next.text() + "(...)' is not allowed in a template: " + ALLOWED);
                    }
                    k++;
                }
                case "[" -> {
                    frames.push(new Frame(']'));
                    operand = true;
                }
                case ")", "]" -> {
                    Frame f = frames.peek();
                    if (f.close != s.charAt(0) || f.pendingTernary > 0) {
                        throw new Violation(line, "unbalanced '" + s + "'");
                    }
                    frames.pop();
                    if (f.helper != null) {
                        int[] arity = HELPERS.get(f.helper);
                        if (f.args < arity[0] || f.args > arity[1]) {
                            throw new Violation(line, f.helper + "() takes " + (arity[0] == arity[1] ? String.valueOf(arity[0])
                                    : arity[0] + " or " + arity[1]) + " arguments, got " + f.args);
                        }
                        // number(x) -> _number1(_r, x): MVEL imports one method per name, so one name per arity
                        calls.add(new Edit(f.nameStart, f.parenEnd, helperName(f.helper, f.args) + "(" + RENDER + ", "));
                    }
                }
                case "," -> {
                    Frame f = frames.peek();
                    if (f.helper == null || f.pendingTernary > 0) {
                        throw new Violation(line, "',' is only for separating a helper's arguments");
                    }
                    f.args++;
                    operand = true;
                }
                case "?" -> {
                    frames.peek().pendingTernary++;
                    operand = true;
                }
                case ":" -> {
                    Frame f = frames.peek();
                    if (f.pendingTernary == 0) {
                        throw new Violation(line, "':' without '?'");
                    }
                    f.pendingTernary--;
                    operand = true;
                }
                case "(" -> throw new Violation(line, "calling the result of an expression is not allowed: " + ALLOWED);
                case "!" -> throw new Violation(line, "unexpected '!'");
                default -> operand = true; // a binary operator
            }
        }
        Token last = tokens.get(tokens.size() - 1);
        if (operand || frames.size() != 1 || frames.peek().pendingTernary != 0) {
            throw new Violation(lineAt(text, last.start()), "incomplete expression '" + text.substring(from, to).strip() + "'");
        }
        calls.sort((a, b) -> Integer.compare(b.start(), a.start()));
        StringBuilder out = new StringBuilder(text.substring(from, to));
        for (Edit e : calls) {
            out.replace(e.start() - from, e.end() - from, e.text());
        }
        return out.toString();
    }

    private static List<Token> tokens(String text, int from, int to) {
        List<Token> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
                int j = i + 1;
                while (j < to && isIdentPart(text.charAt(j))) {
                    j++;
                }
                out.add(new Token(Kind.IDENT, text.substring(i, j), i, j));
                i = j;
            } else if (c >= '0' && c <= '9') {
                int j = i + 1;
                while (j < to && Character.isDigit(text.charAt(j))) {
                    j++;
                }
                if (j + 1 < to && text.charAt(j) == '.' && Character.isDigit(text.charAt(j + 1))) {
                    j += 2;
                    while (j < to && Character.isDigit(text.charAt(j))) {
                        j++;
                    }
                }
                if (j < to && (isIdentPart(text.charAt(j)) || text.charAt(j) == '$')) {
                    // 10L, 1e5, 0x1F: MVEL reads these its own ways; plain decimals are enough for a template
                    throw new Violation(lineAt(text, i), "number '" + text.substring(i, j + 1) + "' is not allowed: write plain decimals such as 12 or 12.5");
                }
                out.add(new Token(Kind.NUMBER, text.substring(i, j), i, j));
                i = j;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < to && text.charAt(j) != c) {
                    if (text.charAt(j) == '\\') {
                        j++;
                    }
                    if (j < to && text.charAt(j) == '\n') {
                        throw new Violation(lineAt(text, i), "text literal not closed on its line");
                    }
                    j++;
                }
                if (j >= to) {
                    throw new Violation(lineAt(text, i), "text literal not closed");
                }
                out.add(new Token(Kind.STRING, text.substring(i, j + 1), i, j + 1));
                i = j + 1;
            } else {
                String op = null;
                for (String o : OPERATORS) {
                    if (text.startsWith(o, i) && i + o.length() <= to) {
                        op = o;
                        break;
                    }
                }
                // '=' alone (assignment), '+=', '++', '--', '->' and the like have no place in a template
                if (op != null && op.length() == 1 && i + 1 < to) {
                    char d = text.charAt(i + 1);
                    if ("+-*/%".indexOf(c) >= 0 && (d == '=' || d == c) || c == '-' && d == '>') {
                        op = null;
                    }
                }
                if (op == null) {
                    int j = Math.min(to, i + 2);
                    String what = c == '=' || (j > i + 1 && text.charAt(i + 1) == '=') ? "assignment '" + text.substring(i, j).strip() + "'"
                            : "'" + text.substring(i, j).strip() + "'";
                    throw new Violation(lineAt(text, i), what + " is not allowed in a template: " + ALLOWED);
                }
                out.add(new Token(Kind.OP, op, i, i + op.length()));
                i += op.length();
            }
        }
        return out;
    }

    private static boolean isIdentPart(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_';
    }
}

package dev.waymark.drools;

import dev.waymark.RuleCompilationException.Problem;
import dev.waymark.internal.StandardRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.compiler.compiler.DescrBuildError;
import org.drools.drl.ast.descr.AnnotationDescr;
import org.drools.drl.ast.descr.BaseDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.QueryDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;
import org.kie.internal.builder.KnowledgeBuilderResult;
import org.kie.internal.jci.CompilationProblem;

/**
 * Turns the host's DRL and what the Drools compiler says of it into one short problem per mistake, at the
 * line of the mistake: Drools reports an error in a rule's {@code then} part at the {@code rule} line, repeats
 * one mistake as several knock-on errors, and wraps MVEL's multi-line dumps around the one fact that matters.
 * It also checks what Drools accepts but Waymark cannot use: annotations no one reads ({@code @dueTime} for
 * {@code @dueTimes}), rule names that settings cannot name, and rule ids taken by a standard rule or by
 * another rule. Stateless; every method is pure.
 */
final class DrlDiagnostics {

    /**
     * The syntax of a rule id: rule names are rule ids, which settings, policies, actions and journeys
     * name (journey ids, sharing the id space, have the same syntax).
     */
    static final Pattern RULE_ID = Pattern.compile("[a-z][a-z0-9-]*");

    /** The rule annotations that mean something: Waymark's own, then Drools' (by simple name). */
    private static final List<String> KNOWN_ANNOTATIONS = List.of(RulesetCompiler.DUE_TIMES, "Propagation", "All", "Direct");

    /** DRL rule attributes, to suggest one for a misspelt attribute the parser stopped at. */
    private static final List<String> ATTRIBUTES = List.of("salience", "enabled", "no-loop", "auto-focus",
            "lock-on-active", "agenda-group", "activation-group", "ruleflow-group", "date-effective",
            "date-expires", "dialect", "duration", "timer", "calendars", "refract", "direct");

    /**
     * Lines the Java dialect puts in a rule's generated class between where the last method starts (Drools'
     * {@code consequenceOffset}) and the first line of the consequence text: a blank line, the method
     * signature and two local declarations. Checked against the rule's extent before it is trusted.
     */
    private static final int CONSEQUENCE_PREAMBLE = 4;

    private static final Pattern PARSER_PREFIX = Pattern.compile("^\\[ERR \\d+] Line \\d+:\\d+ ");
    private static final Pattern MISMATCHED = Pattern.compile("mismatched input '([\\w-]+)' in rule");
    private static final Pattern FIELD_READER = Pattern.compile(
            "Field Reader does not exist for declaration '([^']+)' in '(.+?)'(?: in the rule '.*')?", Pattern.DOTALL);
    private static final Pattern UNRESOLVED_MEMBER = Pattern.compile(
            "unable to resolve method using strict-mode: ([\\w.$]+)\\.(\\w+)\\(([^)]*)\\)");
    private static final Pattern QUALIFIED = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+([A-Z][\\w$]*)");
    private static final Pattern JAVA_METHOD = Pattern.compile("The method (\\w+)\\(");
    private static final Pattern JAVA_UNRESOLVED = Pattern.compile("^([$\\w]+) cannot be resolved");

    private DrlDiagnostics() {
    }

    /** Where a rule of the host's DRL is defined. */
    record Location(String file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    /** The host's rules by id, where each is defined, and the problems found before compiling. */
    record Declared(Map<String, Location> rules, List<Problem> problems) {
    }

    /**
     * Reads the rule declarations of the host's DRL and checks what Drools would accept silently: unknown
     * annotations, rule names that are not rule ids, ids taken by a standard rule or defined twice. A file
     * that does not parse is left to the compiler, which reports why.
     */
    static Declared declarations(List<RuleSource> custom) {
        Map<String, Location> rules = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (RuleSource s : custom) {
            DrlParser parser = new DrlParser();
            PackageDescr pkg;
            try {
                pkg = parser.parse(false, s.drl());
            } catch (DroolsParserException e) {
                continue;
            }
            if (pkg == null || parser.hasErrors()) {
                continue;
            }
            Text text = new Text(s.drl());
            for (RuleDescr rule : pkg.getRules()) {
                if (rule instanceof QueryDescr) {
                    continue; // a query is no rule: it emits nothing and settings do not name it
                }
                String id = rule.getName();
                Location at = new Location(s.name(), Math.max(rule.getLine(), 0));
                for (AnnotationDescr a : rule.getAnnotations()) {
                    checkAnnotation(a, rule, s.name(), text, problems);
                }
                if (!RULE_ID.matcher(id).matches()) {
                    problems.add(new Problem(at.file(), at.line(), "rule \"" + id + "\" cannot be named in settings: a rule"
                            + " name is its id, which must match " + RULE_ID.pattern() + " (lowercase letters, digits and"
                            + " '-', starting with a letter)" + slug(id).map(x -> "; for example \"" + x + "\"").orElse("")));
                } else if (StandardRules.isStandard(id)) {
                    problems.add(new Problem(at.file(), at.line(), "rule \"" + id + "\" has the id of a standard rule;"
                            + " rename it (for example \"my-" + id + "\"). Standard rule ids stay reserved when the standard"
                            + " rule is switched off, because settings name both by the same id; to replace it, switch it"
                            + " off (rules." + id + ".enabled: false) and give yours another id"));
                }
                Location first = rules.putIfAbsent(id, at);
                if (first != null) {
                    problems.add(new Problem(at.file(), at.line(), "rule \"" + id + "\" is already defined at " + first
                            + "; rule names are rule ids and must be unique"));
                }
            }
        }
        return new Declared(rules, problems);
    }

    private static void checkAnnotation(AnnotationDescr a, RuleDescr rule, String file, Text text, List<Problem> problems) {
        String name = a.getName();
        String simple = name.substring(name.lastIndexOf('.') + 1);
        if (name.equals(RulesetCompiler.DUE_TIMES) || (!simple.equals(RulesetCompiler.DUE_TIMES) && KNOWN_ANNOTATIONS.contains(simple))) {
            return;
        }
        int line = a.getLine() > 0 ? a.getLine()
                : text.lineOfMatch(Pattern.compile("@" + Pattern.quote(name) + "\\b"), Math.max(rule.getStartCharacter(), 0),
                        rule.getEndCharacter() > 0 ? rule.getEndCharacter() : text.length(), rule.getLine());
        String suggestion = closest(simple, KNOWN_ANNOTATIONS);
        problems.add(new Problem(file, line, "unknown annotation @" + name + (suggestion != null
                ? "; did you mean @" + suggestion + "?"
                : "; a rule may carry @" + RulesetCompiler.DUE_TIMES + " (Waymark) and Drools' @Propagation, @All, @Direct")));
    }

    /**
     * The compiler's results as one short problem each, at the line of the mistake, knock-on errors of a
     * binding that failed left out, repeats removed.
     *
     * @param sources every DRL compiled, by the name it was added under
     */
    static List<Problem> compileProblems(Iterable<KnowledgeBuilderResult> results, List<RuleSource> sources) {
        Map<String, Text> texts = new LinkedHashMap<>();
        for (RuleSource s : sources) {
            texts.putIfAbsent(s.name(), new Text(s.drl()));
        }
        // First the bindings that failed, per rule: the Java code using them then fails too, saying nothing new.
        Map<String, Set<String>> failedBindings = new LinkedHashMap<>();
        for (KnowledgeBuilderResult r : results) {
            Matcher m = FIELD_READER.matcher(r.getMessage());
            if (r instanceof DescrBuildError e && e.getParentDescr() instanceof RuleDescr rule && m.find()) {
                failedBindings.computeIfAbsent(fileOf(r) + "\n" + rule.getName(), k -> new TreeSet<>()).add(m.group(1));
            }
        }
        Set<Problem> out = new LinkedHashSet<>();
        for (KnowledgeBuilderResult r : results) {
            String file = fileOf(r);
            Text text = texts.get(file);
            if (r instanceof DescrBuildError e && e.getObject() instanceof Object[] problems
                    && e.getParentDescr() instanceof RuleDescr rule && text != null) {
                Set<String> failed = failedBindings.getOrDefault(file + "\n" + rule.getName(), Set.of());
                for (Object o : problems) {
                    if (o instanceof CompilationProblem p && p.isError()) {
                        javaProblem(file, text, rule, p, failed, out);
                    }
                }
                continue;
            }
            out.add(problem(r, file, text));
        }
        List<Problem> list = new ArrayList<>(out);
        // "Parser returned a null Package" only repeats that the file did not parse.
        list.removeIf(p -> p.message().startsWith("Parser returned a null Package")
                && list.stream().anyMatch(q -> q != p && q.file().equals(p.file())));
        List<String> order = new ArrayList<>(texts.keySet());
        list.sort(Comparator.comparingInt((Problem p) -> order.indexOf(p.file())).thenComparingInt(Problem::line));
        return list;
    }

    /** A Java compile error in a rule's generated class: its consequence, or an {@code eval} of its conditions. */
    private static void javaProblem(String file, Text text, RuleDescr rule, CompilationProblem p, Set<String> failed,
                                    Set<Problem> out) {
        String message = firstLine(p.getMessage());
        for (String binding : failed) {
            if (Pattern.compile("(?<![\\w$])" + Pattern.quote(binding) + "(?![\\w$])").matcher(message).find()) {
                return; // "$o cannot be resolved": the failed binding, already reported
            }
        }
        int generatedStart = rule.getConsequenceOffset() + CONSEQUENCE_PREAMBLE;
        int consequenceStart = consequenceStartLine(text, rule);
        int line;
        if (!rule.getNamedConsequences().isEmpty()) {
            // With named consequences the default one is not the last method, so offsets say nothing: the
            // line of the symbol the compiler names, from the first `then` on.
            int from = text.startOfLine(rule.getConsequenceLine() > 0 ? rule.getConsequenceLine() : rule.getLine());
            int to = rule.getEndLine() > 0 ? text.endOfLine(rule.getEndLine()) : text.length();
            line = symbolLine(text, javaSymbol(message), from, to, rule.getLine());
        } else if (consequenceStart > 0 && p.getStartLine() >= generatedStart) {
            line = consequenceStart + (p.getStartLine() - generatedStart);
            if (rule.getEndLine() > 0 && line > rule.getEndLine()) {
                line = rule.getConsequenceLine();
            }
        } else if (!failed.isEmpty()) {
            return; // an eval typed by a binding that failed
        } else {
            line = symbolLine(text, javaSymbol(message), rule.getStartCharacter(), text.startOfLine(rule.getConsequenceLine()),
                    rule.getLine());
        }
        out.add(new Problem(file, line, message));
    }

    /** Any other result: a parser error, an MVEL analysis error, a type that does not resolve. */
    private static Problem problem(KnowledgeBuilderResult r, String file, Text text) {
        int[] lines = r.getLines();
        int line = lines != null && lines.length > 0 ? Math.max(lines[0], 0) : 0;
        String message = r.getMessage().strip();
        if (message.startsWith("Unable to Analyse Expression")) {
            return mvelProblem(r, file, text, line, message);
        }
        Matcher fieldReader = FIELD_READER.matcher(message);
        if (fieldReader.matches()) {
            String expr = fieldReader.group(2);
            String field = expr.substring(expr.indexOf(':') + 1).strip();
            int at = r instanceof DescrBuildError e ? locate(text, e, expr, line) : line;
            return new Problem(file, at, "cannot find symbol: field " + field + " (in '" + collapse(expr) + "')");
        }
        message = PARSER_PREFIX.matcher(firstLine(message)).replaceFirst("");
        Matcher mismatched = MISMATCHED.matcher(message);
        if (mismatched.find()) {
            String attribute = closest(mismatched.group(1), ATTRIBUTES);
            if (attribute != null) {
                message += "; did you mean " + attribute + "?";
            }
        }
        return new Problem(file, line, message);
    }

    /**
     * MVEL's "Unable to Analyse Expression E: [Error: M] [Near ...] [Line ...]" as "M in 'E'", at the line of
     * the symbol it could not resolve (MVEL's own line is the rule's or the pattern's).
     */
    private static Problem mvelProblem(KnowledgeBuilderResult r, String file, Text text, int line, String message) {
        int errorAt = message.indexOf("[Error:");
        String expr = message.substring("Unable to Analyse Expression".length(), errorAt < 0 ? message.length() : errorAt).strip();
        if (expr.endsWith(":")) {
            expr = expr.substring(0, expr.length() - 1).strip();
        }
        String error = errorAt < 0 ? "" : message.substring(errorAt + "[Error:".length());
        int close = error.indexOf("]\n");
        error = (close < 0 ? error : error.substring(0, close)).strip();
        if (error.endsWith("]")) {
            error = error.substring(0, error.length() - 1);
        }
        String symbol = null;
        Matcher member = UNRESOLVED_MEMBER.matcher(error);
        String shortError;
        if (member.find()) {
            symbol = member.group(2);
            String args = simplify(member.group(3));
            shortError = "cannot find symbol: " + simplify(member.group(1)) + "." + symbol + (args.isEmpty() ? "" : "(" + args + ")");
        } else {
            shortError = error.isEmpty() ? "cannot analyse the expression" : simplify(firstLine(error));
        }
        int at = line;
        if (text != null && r instanceof DescrBuildError e) {
            if (e.getDescr() instanceof RuleDescr rule) {
                // A consequence in the MVEL dialect: the symbol's line within it.
                int from = text.startOfLine(Math.max(rule.getConsequenceLine(), 1));
                int to = rule.getEndLine() > 0 ? text.endOfLine(rule.getEndLine()) : text.length();
                at = symbolLine(text, symbol, from, to, rule.getConsequenceLine() > 0 ? rule.getConsequenceLine() : line);
            } else {
                at = locate(text, e, expr, line);
                int[] span = text.span(flexible(expr), Math.max(e.getDescr() == null ? -1 : e.getDescr().getStartCharacter(), 0));
                if (symbol != null && span != null) {
                    at = symbolLine(text, symbol, span[0], span[1], at); // a constraint over several lines
                }
            }
        } else if (text != null && line == 0) {
            int found = text.find(flexible(expr), 0);
            at = found < 0 ? 0 : text.lineOf(found);
        }
        return new Problem(file, at, shortError + (expr.isEmpty() ? "" : " in '" + abbreviate(collapse(expr)) + "'"));
    }

    /** The line of {@code expr} at or after the start of the erroneous descr, else {@code fallback}. */
    private static int locate(Text text, DescrBuildError e, String expr, int fallback) {
        if (text == null || expr.isEmpty()) {
            return fallback;
        }
        BaseDescr d = e.getDescr();
        int from = d != null && d.getStartCharacter() >= 0 ? d.getStartCharacter()
                : fallback > 0 ? text.startOfLine(fallback) : 0;
        int found = text.find(flexible(expr), from);
        return found < 0 ? fallback : text.lineOf(found);
    }

    /** The first line of the consequence text: the first thing after {@code then}, which may be lines below it. */
    private static int consequenceStartLine(Text text, RuleDescr rule) {
        if (!(rule.getConsequence() instanceof String consequence) || rule.getConsequenceLine() <= 0) {
            return -1;
        }
        String first = firstLine(consequence);
        if (first.isEmpty()) {
            return -1;
        }
        int found = text.find(Pattern.compile(Pattern.quote(first)), text.startOfLine(rule.getConsequenceLine()));
        return found < 0 ? -1 : text.lineOf(found);
    }

    private static int symbolLine(Text text, String symbol, int from, int to, int fallback) {
        if (symbol == null || from < 0) {
            return fallback;
        }
        return text.lineOfMatch(Pattern.compile("(?<![\\w$])" + Pattern.quote(symbol) + "(?![\\w$])"), from, to, fallback);
    }

    private static String javaSymbol(String message) {
        Matcher m = JAVA_METHOD.matcher(message);
        if (m.find()) {
            return m.group(1);
        }
        m = JAVA_UNRESOLVED.matcher(message);
        return m.find() ? m.group(1) : null;
    }

    private static String fileOf(KnowledgeBuilderResult r) {
        return r.getResource() == null || r.getResource().getSourcePath() == null ? "(unknown file)" : r.getResource().getSourcePath();
    }

    /** {@code expr} as a pattern matching it however its whitespace was laid out. */
    private static Pattern flexible(String expr) {
        StringBuilder sb = new StringBuilder();
        for (String part : expr.strip().split("\\s+")) {
            if (!sb.isEmpty()) {
                sb.append("\\s*");
            }
            sb.append(Pattern.quote(part));
        }
        return Pattern.compile(sb.toString());
    }

    private static String simplify(String s) {
        return QUALIFIED.matcher(s).replaceAll("$1");
    }

    private static String collapse(String s) {
        return s.strip().replaceAll("\\s+", " ");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static String firstLine(String s) {
        String stripped = s.strip();
        int nl = stripped.indexOf('\n');
        return (nl < 0 ? stripped : stripped.substring(0, nl)).strip();
    }

    /** A lowercase id made of {@code name}, when one can be. */
    private static java.util.Optional<String> slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^[^a-z]+|-+$", "");
        return s.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(s);
    }

    /** The candidate within a small edit distance of {@code word} (case ignored), or null. */
    static String closest(String word, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = dev.waymark.internal.Suggest.distance(word.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance && d <= Math.min(2, Math.max(1, c.length() / 3))) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** A DRL text with its line starts, for turning character offsets into 1-based lines and back. */
    private static final class Text {
        private final String s;
        private final int[] lineStarts;

        Text(String s) {
            this.s = s;
            List<Integer> starts = new ArrayList<>();
            starts.add(0);
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == '\n') {
                    starts.add(i + 1);
                }
            }
            lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        }

        int length() {
            return s.length();
        }

        int lineOf(int offset) {
            int lo = 0;
            int hi = lineStarts.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (lineStarts[mid] <= offset) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo + 1;
        }

        int startOfLine(int line) {
            return line < 1 ? 0 : line > lineStarts.length ? s.length() : lineStarts[line - 1];
        }

        int endOfLine(int line) {
            return line >= lineStarts.length ? s.length() : Math.max(lineStarts[Math.max(line, 1)] - 1, 0);
        }

        /** The offset of the first match at or after {@code from}, or -1. */
        int find(Pattern p, int from) {
            if (from < 0 || from > s.length()) {
                return -1;
            }
            Matcher m = p.matcher(s);
            return m.find(from) ? m.start() : -1;
        }

        /** The start and end offsets of the first match at or after {@code from}, or null. */
        int[] span(Pattern p, int from) {
            if (from < 0 || from > s.length()) {
                return null;
            }
            Matcher m = p.matcher(s);
            return m.find(from) ? new int[] {m.start(), m.end()} : null;
        }

        /** The line of the first match within [from, to), or {@code fallback}. */
        int lineOfMatch(Pattern p, int from, int to, int fallback) {
            if (from < 0 || from > s.length()) {
                return fallback;
            }
            Matcher m = p.matcher(s).region(from, Math.max(from, Math.min(to, s.length())));
            return m.find() ? lineOf(m.start()) : fallback;
        }
    }
}

package dev.waymark;

import java.util.List;

/**
 * A rule file (DRL) that does not compile. Every problem found is listed with its file and line;
 * the message lists them all, one per line.
 */
public final class RuleCompilationException extends WaymarkException {
    private static final long serialVersionUID = 1L;

    /** One compile problem: the rule file as the author named it, the 1-based line (0 if unknown) and the compiler's text. */
    public record Problem(String file, int line, String message) {
        public Problem {
            java.util.Objects.requireNonNull(file, "file");
            java.util.Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + message;
        }
    }

    private final transient List<Problem> problems;

    public RuleCompilationException(List<Problem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    private static String render(List<Problem> problems) {
        StringBuilder sb = new StringBuilder("rules do not compile:");
        for (Problem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }

    public List<Problem> problems() {
        return problems;
    }
}

package dev.waymark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Says where an evaluation's time goes, from the CPU samples of a Java Flight Recorder file (JMH's
 * {@code -prof jfr}): each sample taken in the benchmark method (JMH's {@code _jmhStub} on the stack, so not in
 * {@code @Setup}) is put in the outermost engine <em>phase</em> on
 * its stack (skipping contacts not due, folding events, firing the rules, finishing the evaluation, ...) and
 * in the innermost <em>cost</em> it is known to belong to (the SHA-256 of an action id, a copy of the facts,
 * Drools' insert, the stage computation, ...), and the hottest leaf methods are listed.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.waymark.bench.ProfileBreakdown FILE.jfr|DIR}
 * ({@code benchmarks/run.sh --profile} does). A directory is searched for {@code .jfr} files, each reported
 * on its own.
 */
public final class ProfileBreakdown {

    /** A label and the frames ({@code class.method} prefixes) that mean it. */
    private record Bucket(String label, List<String> frames) {
        static Bucket of(String label, String... frames) {
            return new Bucket(label, List.of(frames));
        }

        boolean matches(String frame) {
            for (String f : frames) {
                if (frame.startsWith(f)) {
                    return true;
                }
            }
            return false;
        }
    }

    // Phases of an evaluation, matched from the root of the stack: the outermost wins.
    private static final List<Bucket> PHASES = List.of(
            Bucket.of("skip contacts not due", "dev.waymark.core.Evaluator.canSkip", "dev.waymark.core.Evaluator.skip"),
            Bucket.of("receive events (withEvents)", "dev.waymark.ContactState.withEvents"),
            Bucket.of("fold due events (advance)", "dev.waymark.core.Folding.advance"),
            Bucket.of("fire rules (Drools, pooled session)", "dev.waymark.drools.DroolsRuleRunner.fire"),
            Bucket.of("fire rules (hand-written)", "dev.waymark.bench.HandWrittenRules.fire"),
            Bucket.of("fire rules (naive stateless session)", "org.drools.kiesession.session.StatelessKnowledgeSessionImpl.execute",
                    "org.kie.internal.command", "org.drools.kiesession.session.StatelessKnowledgeSessionImpl"),
            Bucket.of("after firing (admit, deliver, render, own actions, wake-up)", "dev.waymark.core.Evaluator.afterFiring"),
            Bucket.of("folding (draft only)", "dev.waymark.core.ContactDraft"));

    // Used only when no phase above is on the stack.
    private static final List<Bucket> PHASE_FALLBACKS = List.of(
            Bucket.of("rest: bulk loop, batching, results (and the naive baseline's own finish)",
                    "dev.waymark.core.Evaluator", "dev.waymark.bench.NaiveDrools"));

    // Known costs, matched from the leaf: the innermost wins.
    private static final List<Bucket> COSTS = List.of(
            Bucket.of("action id: SHA-256", "dev.waymark.Action.idOf"),
            Bucket.of("params/props canonical copy (JsonValues.copyMap)", "dev.waymark.internal.JsonValues"),
            Bucket.of("Contact constructor: copies every collection", "dev.waymark.Contact.<init>"),
            Bucket.of("ContactDraft constructor: copies every collection", "dev.waymark.core.ContactDraft.<init>"),
            Bucket.of("ContactDraft.freeze", "dev.waymark.core.ContactDraft.freeze"),
            Bucket.of("EventFolding.apply (event)", "dev.waymark.core.EventFolding"),
            Bucket.of("StateBounds.trim / needsTrim", "dev.waymark.core.StateBounds"),
            Bucket.of("OwnActions (tags, stage, ledger)", "dev.waymark.core.OwnActions", "dev.waymark.core.Ledger"),
            Bucket.of("ContactState constructor: copies pending and seen ids", "dev.waymark.ContactState.<init>"),
            Bucket.of("remembered event ids (Folding)", "dev.waymark.core.Folding.rememberedIds"),
            Bucket.of("Evaluation constructor", "dev.waymark.Evaluation.<init>"),
            Bucket.of("delivery policies", "dev.waymark.core.Delivery"),
            Bucket.of("ledger lookup (Contact.inLedger)", "dev.waymark.Contact.inLedger"),
            Bucket.of("stage computation", "dev.waymark.core.Stages"),
            Bucket.of("RuleContext helpers (due, settings, emit)", "dev.waymark.drools.DroolsRuleContext",
                    "dev.waymark.core.Emissions", "dev.waymark.Settings"),
            Bucket.of("Drools: session creation", "org.drools.kiesession.rulebase.SessionsAwareKnowledgeBase.newKieSession",
                    "org.drools.kiesession.session.StatelessKnowledgeSessionImpl.newWorkingMemory",
                    "org.drools.kiesession.session.StatefulKnowledgeSessionImpl.<init>"),
            Bucket.of("Drools: insert (alpha network)", "org.drools.kiesession.session.StatefulKnowledgeSessionImpl.insert",
                    "org.drools.core.common.NamedEntryPoint.insert"),
            Bucket.of("Drools: delete", "org.drools.kiesession.session.StatefulKnowledgeSessionImpl.delete",
                    "org.drools.core.common.NamedEntryPoint.delete"),
            Bucket.of("Drools: MVEL constraints and from-expressions", "org.drools.mvel", "org.mvel2"),
            Bucket.of("Drools: agenda listener", "org.drools.core.event", "dev.waymark.drools.DroolsRuleRunner$1"));

    // Used only when no cost above is on the stack.
    private static final List<Bucket> COST_FALLBACKS = List.of(
            Bucket.of("Drools: network evaluation, agenda (fireAllRules)", "org.drools", "org.kie"),
            Bucket.of("hand-written rules", "dev.waymark.bench.HandWrittenRules"));

    private ProfileBreakdown() {
    }

    /** Reports each {@code .jfr} file found under the arguments. */
    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String a : args.length == 0 ? new String[] {"."} : args) {
            try (Stream<Path> s = Files.walk(Path.of(a))) {
                s.filter(p -> p.toString().endsWith(".jfr")).sorted().forEach(files::add);
            }
        }
        for (Path f : files) {
            report(f);
        }
    }

    private static void report(Path file) throws IOException {
        Map<String, Integer> phases = new LinkedHashMap<>();
        Map<String, Integer> costs = new LinkedHashMap<>();
        Map<String, Integer> leaves = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getThread("sampledThread") == null
                    || !String.valueOf(e.getThread("sampledThread").getJavaName()).contains("jmh-worker")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            List<String> frames = new ArrayList<>(st.getFrames().size()); // leaf first
            boolean measured = false;
            for (RecordedFrame f : st.getFrames()) {
                frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
                measured |= f.getMethod().getName().endsWith("_jmhStub");
            }
            if (!measured) {
                continue; // @Setup (building the dataset, the agreement checks) runs on the same thread
            }
            total++;
            phases.merge(first(PHASES, PHASE_FALLBACKS, frames, true), 1, Integer::sum);
            costs.merge(first(COSTS, COST_FALLBACKS, frames, false), 1, Integer::sum);
            leaves.merge(frames.get(0), 1, Integer::sum);
        }
        System.out.printf("%s: %d CPU samples in the benchmark method%s%n", file, total,
                total > 0 && total < 500 ? " (few: read the shares as rough)" : "");
        if (total == 0) {
            return;
        }
        print("phase (outermost)", phases, total, 20);
        print("cost (innermost known)", costs, total, 30);
        print("hottest leaf methods (self time)", leaves, total, 15);
    }

    /** The bucket of the first frame (from the root or from the leaf) in {@code buckets}, else in {@code fallbacks}. */
    private static String first(List<Bucket> buckets, List<Bucket> fallbacks, List<String> frames, boolean fromRoot) {
        for (List<Bucket> list : List.of(buckets, fallbacks)) {
            int n = frames.size();
            for (int k = 0; k < n; k++) {
                String frame = frames.get(fromRoot ? n - 1 - k : k);
                for (Bucket b : list) {
                    if (b.matches(frame)) {
                        return b.label();
                    }
                }
            }
        }
        return fromRoot ? "(outside the engine: JMH, blackhole)" : "(other: JDK collections, allocation, ...)";
    }

    private static void print(String title, Map<String, Integer> counts, int total, int top) {
        System.out.println("  " + title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %5.1f %%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }
}

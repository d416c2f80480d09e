package dev.waymark.drools;

import dev.waymark.drools.internal.FailureHandler;

import dev.waymark.InvalidSettingsException;
import dev.waymark.RuleCompilationException;
import dev.waymark.Settings;
import dev.waymark.WaymarkException;
import dev.waymark.core.JourneyDefinition;
import dev.waymark.internal.StandardRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
import org.drools.kiesession.rulebase.KnowledgeBaseFactory;
import org.drools.model.Model;
import org.drools.modelcompiler.KieBaseBuilder;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.KieServices;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.kie.api.io.ResourceType;
import org.kie.internal.builder.KnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilderConfiguration;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.builder.ResultSeverity;
import org.kie.internal.io.ResourceFactory;

/**
 * Compiles the enabled standard rules and the host's DRL into one Drools knowledge base, checks settings
 * against the rules it holds, and reports every compile problem with file and line. Nothing half-built
 * escapes: either a complete {@link CompiledRuleset} or an exception.
 */
final class RulesetCompiler {

    /** The name of the global through which rules reach the {@link dev.waymark.drools.RuleContext}. */
    static final String GLOBAL = FailureHandler.GLOBAL;

    /** Rule metadata promising that every time the rule depends on goes through {@code waymark.due...}. */
    public static final String DUE_TIMES = "dueTimes";

    private static final String STANDARD_RULES = "dev/waymark/rules/";

    private RulesetCompiler() {
    }

    /**
     * A compiled knowledge base and what the engine needs to know of it.
     *
     * @param withoutDueTimes the switched-on rules declaring no {@code @dueTimes}, by id, each with the file it
     *                        came from: while there is one, every contact is due at every evaluation
     */
    public record CompiledRuleset(InternalKnowledgeBase kieBase, SortedSet<String> ruleIds,
                                  SortedMap<String, String> withoutDueTimes, String fingerprint) {

        /** Whether every contact is due at every evaluation: some switched-on rule declares no due times. */
        public boolean alwaysDue() {
            return !withoutDueTimes.isEmpty();
        }
    }

    /** The DRL of a standard rule, as shipped. */
    public static RuleSource standardRule(String id) {
        String resource = STANDARD_RULES + id + ".drl";
        try (InputStream in = RulesetCompiler.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new WaymarkException("standard rule " + id + " is missing from the classpath (" + resource + ")");
            }
            return new RuleSource(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new WaymarkException("cannot read standard rule " + resource + ": " + e.getMessage(), e);
        }
    }

    public static CompiledRuleset compile(Settings settings, List<RuleSource> custom) {
        return compile(settings, custom, List.of());
    }

    /**
     * Compiles the rules beside {@code journeys}: a journey id must be no rule's (standard or compiled), and
     * settings may name journeys as they name rules.
     */
    public static CompiledRuleset compile(Settings settings, List<RuleSource> custom, List<JourneyDefinition> journeys) {
        List<RuleSource> standard = new ArrayList<>();
        for (String id : StandardRules.ids()) {
            if (settings.enabled(id)) {
                standard.add(standardRule(id));
            }
        }
        List<RuleSource> sources = new ArrayList<>(standard);
        sources.addAll(custom);
        // What Drools would accept silently (an unknown annotation, an id settings cannot name or a standard
        // rule's) is found before compiling and reported with what the compiler finds, all at once.
        DrlDiagnostics.Declared declared = DrlDiagnostics.declarations(custom);

        KieBaseConfiguration conf = KieServices.Factory.get().newKieBaseConfiguration();
        conf.setProperty("drools.consequenceExceptionHandler", FailureHandler.class.getName());
        // Facts are never modified in place (each evaluation inserts fresh immutable records), so property
        // reactivity buys nothing; without it Drools does not warn about globals in constraints.
        conf.setProperty("drools.propertySpecific", "ALLOWED");

        // The standard rules load from the executable model generated at build time from the same DRL (no
        // DRL parsing, no Java compilation, no MVEL at run time); the host's DRL goes through the DRL compiler
        // into the same knowledge base. Without a model matching the DRL text, every rule is compiled from DRL.
        Model model = standard.isEmpty() ? null : StandardModel.matching(standard);
        List<RuleSource> toCompile = model == null ? sources : custom;
        InternalKnowledgeBase kieBase = model == null
                ? KnowledgeBaseFactory.newKnowledgeBase(conf)
                : KieBaseBuilder.createKieBaseFromModel(model, conf, builderConfiguration());
        if (model != null) {
            // The model holds all ten; a disabled one is gone before the host's rules come in, as if never compiled.
            for (KiePackage pkg : List.copyOf(kieBase.getKiePackages())) {
                for (Rule rule : List.copyOf(pkg.getRules())) {
                    if (StandardRules.isStandard(rule.getName()) && !settings.enabled(rule.getName())) {
                        kieBase.removeRule(rule.getPackageName(), rule.getName());
                    }
                }
            }
        }
        java.util.Collection<KiePackage> compiled = toCompile.isEmpty() ? List.of() : compileDrl(toCompile, declared.problems());
        if (!declared.problems().isEmpty()) {
            throw new RuleCompilationException(declared.problems());
        }
        if (!compiled.isEmpty()) {
            kieBase.addPackages(compiled);
        }

        TreeMap<String, Rule> rules = new TreeMap<>();
        for (KiePackage pkg : kieBase.getKiePackages()) {
            for (Rule rule : pkg.getRules()) {
                Rule clash = rules.put(rule.getName(), rule);
                if (clash != null) {
                    // Found before compiling for the host's rules; this is the last guard, naming what it can.
                    DrlDiagnostics.Location at = declared.rules().get(rule.getName());
                    throw new RuleCompilationException(List.of(new RuleCompilationException.Problem(
                            at == null ? "(unknown file)" : at.file(), at == null ? 0 : at.line(), "rule id \"" + rule.getName()
                            + "\" is defined twice (packages " + clash.getPackageName() + " and " + rule.getPackageName()
                            + "); rule names are rule ids and must be unique")));
                }
            }
        }
        java.util.Set<String> journeyIds = new TreeSet<>();
        for (JourneyDefinition j : journeys) {
            if (rules.containsKey(j.id()) || StandardRules.isStandard(j.id())) {
                DrlDiagnostics.Location rule = declared.rules().get(j.id());
                throw new RuleCompilationException(List.of(new RuleCompilationException.Problem(j.file(), 0,
                        "journey: '" + j.id() + "' is already the id of a rule (" + (rule == null ? "a standard rule" : rule) + ")"
                        + "; rules and journeys share one id space")));
            }
            journeyIds.add(j.id());
        }
        for (String id : settings.mentionedRules()) {
            requireRule(id, "rules." + id, "unknown rule", rules, journeyIds);
        }
        List<String> priority = settings.policies().priority();
        for (int i = 0; i < priority.size(); i++) {
            requireRule(priority.get(i), "policies.priority[" + i + "]", "no rule '" + priority.get(i) + "'", rules, journeyIds);
        }
        for (String id : settings.policies().experiments().keySet()) {
            requireRule(id, "policies.experiments." + id, "unknown rule", rules, journeyIds);
        }
        SortedMap<String, String> withoutDueTimes = new TreeMap<>();
        SortedSet<String> enabled = new TreeSet<>();
        for (Rule rule : rules.values()) {
            if (!settings.enabled(rule.getName())) {
                kieBase.removeRule(rule.getPackageName(), rule.getName());
                continue;
            }
            enabled.add(rule.getName());
            if (!rule.getMetaData().containsKey(DUE_TIMES)) {
                DrlDiagnostics.Location at = declared.rules().get(rule.getName());
                withoutDueTimes.put(rule.getName(), at == null ? "(unknown file)" : at.file());
            }
        }
        List<RuleSource> fingerprinted = new ArrayList<>(sources);
        for (JourneyDefinition j : journeys) {
            fingerprinted.add(new RuleSource("journey:" + j.file(), j.source()));
        }
        return new CompiledRuleset(kieBase, enabled, Collections.unmodifiableSortedMap(withoutDueTimes),
                fingerprint(settings, fingerprinted));
    }

    /** Both compilers' configuration: the same, or Drools cannot merge their type declarations of {@code Contact}. */
    private static KnowledgeBuilderConfiguration builderConfiguration() {
        KnowledgeBuilderConfiguration builderConf = KnowledgeBuilderFactory.newKnowledgeBuilderConfiguration();
        builderConf.setProperty("drools.propertySpecific", "ALLOWED");
        return builderConf;
    }

    /**
     * Compiles DRL; every problem names its file and the line of the mistake, once. {@code earlier} are the
     * problems found before compiling, reported together with the compiler's.
     */
    private static java.util.Collection<KiePackage> compileDrl(List<RuleSource> sources, List<RuleCompilationException.Problem> earlier) {
        KnowledgeBuilder builder = KnowledgeBuilderFactory.newKnowledgeBuilder(builderConfiguration());
        for (RuleSource s : sources) {
            builder.add(ResourceFactory.newByteArrayResource(s.drl().getBytes(StandardCharsets.UTF_8))
                    .setSourcePath(s.name()), ResourceType.DRL);
        }
        List<RuleCompilationException.Problem> problems = new ArrayList<>(earlier);
        problems.addAll(DrlDiagnostics.compileProblems(builder.getResults(ResultSeverity.ERROR), sources));
        if (!problems.isEmpty()) {
            problems.sort(java.util.Comparator.comparingInt((RuleCompilationException.Problem p) -> fileIndex(p.file(), sources))
                    .thenComparingInt(RuleCompilationException.Problem::line));
            throw new RuleCompilationException(problems);
        }
        return builder.getKnowledgePackages();
    }

    private static int fileIndex(String file, List<RuleSource> sources) {
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i).name().equals(file)) {
                return i;
            }
        }
        return sources.size();
    }

    /** Settings may name only rules of this ruleset: standard or compiled, or its journeys. */
    private static void requireRule(String id, String key, String problem, TreeMap<String, Rule> compiled,
                                    java.util.Set<String> journeys) {
        if (!compiled.containsKey(id) && !StandardRules.isStandard(id) && !journeys.contains(id)) {
            SortedSet<String> known = allIds(compiled);
            known.addAll(journeys);
            String like = dev.waymark.internal.Suggest.closest(id, known);
            throw new InvalidSettingsException(key, problem + (like == null ? "" : "; did you mean " + like + "?")
                    + " (rules: " + String.join(", ", allIds(compiled))
                    + (journeys.isEmpty() ? "" : "; journeys: " + String.join(", ", journeys)) + ")");
        }
    }

    private static SortedSet<String> allIds(TreeMap<String, Rule> compiled) {
        SortedSet<String> ids = new TreeSet<>(compiled.keySet());
        ids.addAll(StandardRules.ids());
        return ids;
    }

    private static String fingerprint(Settings settings, List<RuleSource> sources) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(settings.toString().getBytes(StandardCharsets.UTF_8));
            for (RuleSource s : sources) {
                sha.update((byte) 0);
                sha.update(s.name().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(s.drl().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}

package dev.waymark.examples.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Explanation;
import dev.waymark.Explanation.Finding;
import dev.waymark.Explanation.RuleVerdict;
import dev.waymark.json.WaymarkJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An {@link Explanation} as one JSON object, for programs: {@code contact} exactly as the state file
 * writes it, {@code now}, {@code storedWakeUp}, {@code nextWakeUp}, {@code actions} as {@code run} writes
 * them, and {@code rules}: per rule its {@code arm} (or null), headline {@code outcome} (the
 * {@link Explanation.Outcome} name, such as {@code NOT_DUE}), whether it {@code fires}, and its
 * {@code findings}; then, for an engine with journeys, {@code journeys}: per journey whether the contact is {@code in} it, its {@code step},
 * {@code since}, {@code waitingFor}, {@code until}, {@code path} ({@code step@instant}), {@code findings} and a
 * {@code detail} sentence. Pure.
 */
public final class ExplanationJson {
    private ExplanationJson() {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The explanation as a JSON tree. */
    public static ObjectNode tree(Explanation x) {
        ObjectNode root = MAPPER.createObjectNode();
        // The contact and actions go through WaymarkJson so they read exactly as in the state file and in
        // run's output: one format per thing, whichever command prints it.
        String state = WaymarkJson.write(new ContactState(x.contact(), List.of(), Map.of(), null, null, null));
        root.set("contact", parse(state).get("contact"));
        root.put("now", x.now().toString());
        putInstant(root, "storedWakeUp", x.storedWakeUp());
        putInstant(root, "nextWakeUp", x.nextWakeUp());
        ArrayNode actions = root.putArray("actions");
        for (Action a : x.actions()) {
            actions.add(parse(WaymarkJson.write(a)));
        }
        ArrayNode rules = root.putArray("rules");
        for (RuleVerdict v : x.rules()) {
            ObjectNode rule = rules.addObject();
            rule.put("rule", v.rule());
            rule.put("arm", v.arm());
            rule.put("outcome", v.outcome().name());
            rule.put("fires", v.fires());
            ArrayNode findings = rule.putArray("findings");
            for (Finding f : v.findings()) {
                finding(findings.addObject(), f);
            }
        }
        // Only for an engine with journeys: an explanation of rules alone reads exactly as before.
        ArrayNode journeys = x.journeys().isEmpty() ? MAPPER.createArrayNode() : root.putArray("journeys");
        for (Explanation.JourneyVerdict j : x.journeys()) {
            ObjectNode journey = journeys.addObject();
            journey.put("journey", j.journey());
            journey.put("in", j.in());
            journey.put("step", j.step());
            putInstant(journey, "since", j.since());
            journey.put("waitingFor", j.waitingFor());
            putInstant(journey, "until", j.until());
            ArrayNode path = journey.putArray("path");
            j.path().forEach(path::add);
            ArrayNode findings = journey.putArray("findings");
            for (Finding f : j.findings()) {
                finding(findings.addObject(), f);
            }
            journey.put("detail", j.detail());
        }
        return root;
    }

    /** The explanation as one line of JSON, without a line end. */
    public static String render(Explanation x) {
        try {
            return MAPPER.writeValueAsString(tree(x));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of plain values always serialises", e);
        }
    }

    private static void finding(ObjectNode finding, Finding f) {
        finding.put("outcome", f.outcome().name());
        finding.put("type", f.type());
        finding.put("key", f.key());
        putInstant(finding, "at", f.at());
        finding.put("detail", f.detail());
    }

    private static void putInstant(ObjectNode node, String field, Instant t) {
        if (t == null) {
            node.putNull(field);
        } else {
            node.put(field, t.toString());
        }
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("WaymarkJson wrote JSON that does not parse: " + e.getOriginalMessage(), e);
        }
    }
}

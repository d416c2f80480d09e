package dev.waymark.examples.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.waymark.ConversionReport;
import dev.waymark.ConversionReport.Row;

/**
 * The conversion report (docs/settings-and-policies.md) as one JSON object, for programs:
 * {@code {"goal":{"event":..,"hours":..},"rows":[{"rule","arm","actions","reached","converted","rate","revenue","lift"}]}}.
 * Rates and lifts are fractions as the engine computes them (0.052, not 5.2 %); {@code lift} is
 * {@code {"difference","low","high"}} or {@code null}. Then {@code journeys}: per journey
 * {@code {"journey","entered","active","completed","exited","steps":[{"step","reached","waiting"}]}} (counted in
 * contacts; absent without journeys). Pure.
 */
public final class ConversionJson {
    private ConversionJson() {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The report as a JSON tree. */
    public static ObjectNode tree(ConversionReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode goal = root.putObject("goal");
        goal.put("event", report.goal().event());
        goal.put("hours", ConversionText.hours(report.goal()));
        ArrayNode rows = root.putArray("rows");
        for (Row r : report.rows()) {
            ObjectNode row = rows.addObject();
            row.put("rule", r.rule());
            row.put("arm", r.arm());
            row.put("actions", r.actions());
            row.put("reached", r.reached());
            row.put("converted", r.converted());
            row.put("rate", r.rate());
            row.put("revenue", r.revenue());
            if (r.lift() == null) {
                row.putNull("lift");
            } else {
                ObjectNode lift = row.putObject("lift");
                lift.put("difference", r.lift().difference());
                lift.put("low", r.lift().low());
                lift.put("high", r.lift().high());
            }
        }
        // Only with journeys: a report of rules alone reads exactly as before.
        ArrayNode journeys = report.journeys().isEmpty() ? MAPPER.createArrayNode() : root.putArray("journeys");
        for (ConversionReport.JourneyRow j : report.journeys()) {
            ObjectNode row = journeys.addObject();
            row.put("journey", j.journey());
            row.put("entered", j.entered());
            row.put("active", j.active());
            row.put("completed", j.completed());
            row.put("exited", j.exited());
            ArrayNode steps = row.putArray("steps");
            for (ConversionReport.StepRow st : j.steps()) {
                ObjectNode step = steps.addObject();
                step.put("step", st.step());
                step.put("reached", st.reached());
                step.put("waiting", st.waiting());
            }
        }
        return root;
    }

    /** The report as one line of JSON, without a line end. */
    public static String render(ConversionReport report) {
        try {
            return MAPPER.writeValueAsString(tree(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree of plain values always serialises", e);
        }
    }
}

package dev.waymark.kafka.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.waymark.Action;
import dev.waymark.ContactState;
import dev.waymark.Evaluation;
import dev.waymark.Event;
import dev.waymark.InvalidEventException;
import dev.waymark.JourneyEngine;
import dev.waymark.Evaluation.RuleFailure;
import dev.waymark.Evaluation.TemplateFailure;
import dev.waymark.json.WaymarkJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the journey engine for the contacts of one task: evaluates a contact on each of its events and, from a
 * wall-clock punctuator, each contact whose wake-up has come; keeps the contact states and the due-time index
 * in the task's stores; forwards actions and dead letters to the sinks named in {@link ProcessorSettings}.
 *
 * <p>Input keys and values are raw bytes. Output records are raw bytes too: key = contactId (UTF-8); value =
 * the action's JSON line, or for dead letters see {@code dev.waymark.kafka.DeadLetters}. {@code now} is the wall-clock time of the
 * stream thread, or the contact's last evaluation time if later (so a contact's time never runs backwards).
 *
 * <p>Kafka Streams creates one instance per task and calls it from one thread; it is not thread-safe.
 */
public final class WaymarkProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(WaymarkProcessor.class);

    /** Due contacts handed to the engine at once: Drools fires rules for a batch in one call. */
    static final int EVALUATION_BATCH = 256;

    /** Index bookkeeping: the ruleset fingerprint the wake-ups were computed with, and a re-scan's cursor. */
    private static final String RULESET = "ruleset";
    private static final String RESCAN = "rescan";

    private final ProcessorSettings settings;
    private final JourneyEngine engine;
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, ContactState> contacts;
    private DueIndex index;
    private ProcessorMetrics metrics;
    private Cancellable punctuation;
    /** Fingerprint of the engine's ruleset and settings, or {@code null} when it could not be found out. */
    private String rulesetId;
    private boolean rulesetChecked;

    /** A processor configured by {@code settings}; Kafka Streams calls {@link #init} before anything else. */
    public WaymarkProcessor(ProcessorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.engine = settings.engine();
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.contacts = context.getStateStore(settings.contactsStore());
        this.index = new DueIndex(context.getStateStore(settings.wakeUpsStore()));
        this.metrics = new ProcessorMetrics(context.metrics(), context.taskId().toString());
        this.rulesetId = engine.rulesetId();
        // Wall-clock, not stream time: a wake-up must come even when no event arrives on the partition.
        this.punctuation = context.schedule(settings.punctuateEvery(), PunctuationType.WALL_CLOCK_TIME, this::wakeDue);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.event();
        Decoded decoded = decode(record);
        if (decoded.event() == null) {
            deadLetter(record, decoded);
            return;
        }
        Event event = decoded.event();
        ContactState before = load(event.contactId());
        Instant now = nowFor(before, context.currentSystemTimeMs());
        ContactState received = before.withEvents(List.of(event));
        evaluate(before, received, now);
    }

    @Override
    public void close() {
        if (punctuation != null) {
            punctuation.cancel();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** The evaluation time for a contact: wall-clock time, never before the contact's last evaluation. */
    static Instant nowFor(ContactState state, long wallClockMillis) {
        Instant wall = Instant.ofEpochMilli(wallClockMillis);
        Instant last = state.evaluatedAt();
        return last != null && last.isAfter(wall) ? last : wall;
    }

    // ---- the punctuator ---------------------------------------------------------------------------------

    /** Evaluates the contacts whose wake-up is at or before {@code timestamp}, oldest first. */
    private void wakeDue(long timestamp) {
        if (!rulesetChecked) {
            rulesetChecked = true;
            checkRuleset();
        }
        if (index.meta(RESCAN) != null) {
            rescanStep(timestamp);
        }
        List<DueIndex.Entry> due = index.due(timestamp, settings.maxDuePerPunctuation());
        if (due.isEmpty()) {
            return;
        }
        Instant now = Instant.ofEpochMilli(timestamp);
        List<ContactState> batch = new ArrayList<>(Math.min(due.size(), EVALUATION_BATCH));
        int evaluated = 0;
        for (DueIndex.Entry entry : due) {
            Long current = index.scheduledMillis(entry.contactId());
            if (current == null || current != entry.millis()) {
                // Not the contact's current entry: only a crash between two writes without exactly-once can
                // leave one. Drop it; the current entry, if due, is in this list (or the next punctuation's).
                index.removeEntry(entry);
                continue;
            }
            ContactState state = contacts.get(entry.contactId());
            if (state == null) {
                index.schedule(entry.contactId(), null);
                continue;
            }
            batch.add(state);
            if (batch.size() == EVALUATION_BATCH) {
                evaluated += evaluateDue(batch, now);
                batch.clear();
            }
        }
        evaluated += evaluateDue(batch, now);
        if (due.size() == settings.maxDuePerPunctuation()) {
            LOG.info("task {}: {} due contacts evaluated at {}, the most one punctuation takes; the rest stay due",
                    context.taskId(), evaluated, now);
        } else {
            LOG.debug("task {}: {} due contacts evaluated at {}", context.taskId(), evaluated, now);
        }
    }

    // ---- a changed ruleset ------------------------------------------------------------------------------

    /**
     * The index holds wake-ups computed by the ruleset that last evaluated each contact. When the ruleset or
     * its settings changed since (a new deploy), a wake-up may now be too late — or missing, for a rule just
     * switched on — so every contact last evaluated by another ruleset is made due, a slice per punctuation.
     */
    private void checkRuleset() {
        if (rulesetId == null || rulesetId.equals(index.meta(RULESET))) {
            return;
        }
        boolean empty;
        try (KeyValueIterator<String, ContactState> it = contacts.all()) {
            empty = !it.hasNext();
        }
        if (empty) {
            index.meta(RULESET, rulesetId);
        } else if (index.meta(RESCAN) == null) {
            LOG.info("task {}: the ruleset changed; re-checking the wake-ups of its contacts", context.taskId());
            index.meta(RESCAN, "");
        }
    }

    /** Makes due now up to {@code maxDuePerPunctuation} contacts last evaluated by another ruleset. */
    private void rescanStep(long timestamp) {
        String cursor = index.meta(RESCAN);
        List<String> stale = new ArrayList<>();
        String last = null;
        boolean finished = true;
        int seen = 0;
        try (KeyValueIterator<String, ContactState> it = contacts.range(cursor.isEmpty() ? null : cursor, null)) {
            while (it.hasNext()) {
                KeyValue<String, ContactState> kv = it.next();
                if (kv.key.equals(cursor)) {
                    continue; // range() includes its start, which was done last time
                }
                if (seen++ == settings.maxDuePerPunctuation()) {
                    finished = false;
                    break;
                }
                last = kv.key;
                String by = kv.value.rulesetId();
                if (by != null && !by.equals(rulesetId)) {
                    // (null: never evaluated successfully; its entry is a retry, which evaluates anyway)
                    stale.add(kv.key);
                }
            }
        }
        for (String contactId : stale) {
            Long scheduled = index.scheduledMillis(contactId);
            if (scheduled == null || scheduled > timestamp) {
                index.schedule(contactId, Instant.ofEpochMilli(timestamp));
            }
        }
        if (finished) {
            index.meta(RESCAN, null);
            index.meta(RULESET, rulesetId);
            LOG.info("task {}: wake-ups re-checked for the new ruleset", context.taskId());
        } else {
            index.meta(RESCAN, last);
        }
    }

    /** Evaluates a batch of due contacts at {@code now} in one engine call; returns how many. */
    private int evaluateDue(List<ContactState> states, Instant now) {
        if (states.isEmpty()) {
            return 0;
        }
        metrics.wakeUps(states.size());
        List<ContactState> atNow = new ArrayList<>(states.size());
        for (ContactState s : states) {
            Instant own = nowFor(s, now.toEpochMilli());
            if (own.equals(now)) {
                atNow.add(s);
            } else {
                evaluate(s, s, own); // evaluated later than this host's clock says it is now: keep its time
            }
        }
        List<Evaluation> results = new ArrayList<>(atNow.size());
        try {
            engine.evaluateAll(atNow, now, results::add, 1);
        } catch (RuntimeException e) {
            // The engine reports rule failures per contact; an exception is a bug. Nothing of the batch was
            // settled yet, so evaluate one by one, which confines the damage to the contact that throws.
            LOG.warn("batch evaluation of {} due contacts failed; evaluating them one by one", atNow.size(), e);
            for (ContactState s : atNow) {
                evaluate(s, s, now);
            }
            return states.size();
        }
        metrics.evaluations(results.size());
        for (int i = 0; i < results.size(); i++) {
            settle(atNow.get(i), results.get(i), now);
        }
        return states.size();
    }

    // ---- evaluation and its outcome ---------------------------------------------------------------------

    /** Evaluates {@code received} (the stored state {@code before}, with any new event) and settles the outcome. */
    private void evaluate(ContactState before, ContactState received, Instant now) {
        Evaluation evaluation;
        try {
            evaluation = engine.evaluate(received, now);
        } catch (RuntimeException e) {
            engineError(before, received, now, e);
            return;
        }
        metrics.evaluations(1);
        settle(before, evaluation, now);
    }

    /**
     * Keeps the evaluation's state, moves the contact's index entry to its next wake-up (or a retry after a
     * failure), and forwards its actions and failures. Writes nothing that did not change.
     */
    private void settle(ContactState before, Evaluation evaluation, Instant now) {
        ContactState after = evaluation.state();
        String contactId = after.contactId();
        if (after != before) {
            contacts.put(contactId, after);
        }
        boolean failed = !evaluation.failures().isEmpty();
        index.schedule(contactId, failed ? retryAt(after, now) : after.nextWakeUp());
        for (Action action : evaluation.actions()) {
            context.forward(new Record<>(utf8(action.contactId()), utf8(WaymarkJson.write(action)),
                    action.at().toEpochMilli()), settings.actionsNode());
        }
        metrics.actions(evaluation.actions().size());
        for (RuleFailure f : evaluation.failures()) {
            // The engine rolled the contact back: its new events stay pending and are retried.
            LOG.warn("rule failure at {}, evaluation rolled back, retried at the next event or wake-up: {}", now, f);
            deadLetterFailure(DeadLetterFormat.RULE_FAILURE, contactId, f.rule(), f.message(), now);
        }
        metrics.ruleFailures(evaluation.failures().size());
        for (TemplateFailure f : evaluation.templateFailures()) {
            LOG.warn("message sent without a body: {}", f);
        }
    }

    /** The engine threw instead of reporting a failure: keep the new event pending and retry later. */
    private void engineError(ContactState before, ContactState received, Instant now, RuntimeException e) {
        String contactId = received.contactId();
        Instant retry = retryAt(received, now);
        LOG.error("engine error evaluating contact {} at {}; its events stay pending, retried at {}", contactId, now,
                retry, e);
        if (received != before) {
            contacts.put(contactId, received);
        }
        index.schedule(contactId, retry);
        deadLetterFailure(DeadLetterFormat.ENGINE_ERROR, contactId, "?", e.toString(), now);
        metrics.ruleFailures(1);
    }

    /** When to evaluate a failed contact again: after the retry delay, or its own wake-up if sooner. */
    private Instant retryAt(ContactState state, Instant now) {
        Instant retry = now.plus(settings.retryFailuresAfter());
        Instant next = state.nextWakeUp();
        return next != null && next.isAfter(now) && next.isBefore(retry) ? next : retry;
    }

    private ContactState load(String contactId) {
        ContactState state = contacts.get(contactId);
        return state != null ? state : ContactState.empty(contactId);
    }

    // ---- input records and dead letters -----------------------------------------------------------------

    /**
     * An input record read as an event, or why not.
     *
     * @param event  the event, or {@code null} when rejected
     * @param kind   the dead-letter kind when rejected
     * @param field  the offending field when known, else empty
     * @param reason why it was rejected
     */
    private record Decoded(Event event, String kind, String field, String reason) {
        static Decoded rejected(String kind, String field, String reason) {
            return new Decoded(null, kind, field == null ? "" : field, reason);
        }
    }

    private static Decoded decode(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            return Decoded.rejected(DeadLetterFormat.INVALID_EVENT, "", "the record has no value");
        }
        String json;
        try {
            json = strictUtf8(record.value());
        } catch (CharacterCodingException e) {
            return Decoded.rejected(DeadLetterFormat.INVALID_EVENT, "", "the value is not UTF-8 text");
        }
        Event event;
        try {
            event = WaymarkJson.readEvent(json, 0);
        } catch (InvalidEventException e) {
            return Decoded.rejected(DeadLetterFormat.INVALID_EVENT, e.field(), e.getMessage());
        } catch (RuntimeException e) {
            // Whatever else a strange value provokes must not stop the stream either.
            return Decoded.rejected(DeadLetterFormat.INVALID_EVENT, "", e.toString());
        }
        if (record.key() == null) {
            return Decoded.rejected(DeadLetterFormat.KEY_MISMATCH, "contactId",
                    "the record has no key; it must be the event's contactId '" + event.contactId() + "'");
        }
        String key;
        try {
            key = strictUtf8(record.key());
        } catch (CharacterCodingException e) {
            return Decoded.rejected(DeadLetterFormat.KEY_MISMATCH, "contactId", "the record key is not UTF-8 text");
        }
        if (!key.equals(event.contactId())) {
            // Partitioning is by key: an event keyed otherwise may sit in another task than its contact's state.
            return Decoded.rejected(DeadLetterFormat.KEY_MISMATCH, "contactId", "the record key '" + abbreviate(key)
                    + "' is not the event's contactId '" + event.contactId() + "'");
        }
        return new Decoded(event, null, "", "");
    }

    /** Forwards the rejected record unchanged to the dead-letter topic, with headers saying why. */
    private void deadLetter(Record<byte[], byte[]> record, Decoded why) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        header(headers, DeadLetterFormat.KIND_HEADER, why.kind());
        header(headers, DeadLetterFormat.REASON_HEADER, why.reason());
        if (!why.field().isEmpty()) {
            header(headers, DeadLetterFormat.FIELD_HEADER, why.field());
        }
        String where = "";
        if (context.recordMetadata().isPresent()) {
            RecordMetadata m = context.recordMetadata().get();
            header(headers, DeadLetterFormat.SOURCE_TOPIC_HEADER, m.topic());
            header(headers, DeadLetterFormat.SOURCE_PARTITION_HEADER, Integer.toString(m.partition()));
            header(headers, DeadLetterFormat.SOURCE_OFFSET_HEADER, Long.toString(m.offset()));
            where = " " + m.topic() + "-" + m.partition() + "@" + m.offset();
        }
        LOG.warn("record{} sent to the dead-letter topic ({}): {}", where, why.kind(), why.reason());
        context.forward(record.withHeaders(headers), settings.deadLettersNode());
        metrics.deadLetter();
    }

    private void deadLetterFailure(String kind, String contactId, String rule, String message, Instant now) {
        ObjectNode value = JsonNodeFactory.instance.objectNode()
                .put("kind", kind)
                .put("contactId", contactId)
                .put("rule", rule)
                .put("message", message)
                .put("at", now.toString());
        Headers headers = new RecordHeaders();
        header(headers, DeadLetterFormat.KIND_HEADER, kind);
        header(headers, DeadLetterFormat.REASON_HEADER, message);
        header(headers, DeadLetterFormat.RULE_HEADER, rule);
        context.forward(new Record<>(utf8(contactId), utf8(value.toString()), now.toEpochMilli(), headers),
                settings.deadLettersNode());
        metrics.deadLetter();
    }

    private static void header(Headers headers, String name, String value) {
        headers.add(name, utf8(value));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        // String's constructor would silently replace bad bytes; a rejected record should say it was not text.
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}

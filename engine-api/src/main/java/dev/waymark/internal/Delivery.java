package dev.waymark.internal;

import dev.waymark.Action;
import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.LedgerEntry;
import dev.waymark.Policies;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the delivery policies of SPEC §7 to what the rules fired for one contact: suppress tags, quiet
 * hours, experiments, then frequency caps taking firings in priority order. A stopped message is
 * withheld — not emitted, not in the ledger — and the wake-up says when it could go out. Immutable and
 * thread-safe.
 */
public final class Delivery {

    /** A message a policy withheld, and which policy (for example {@code quietHours}). */
    public record Withheld(Action action, String policy) {
    }

    /** The action type that stands in for a message to a contact in an experiment's holdout. */
    public static final String HOLDOUT_TYPE = "experiment.holdout";

    /** What goes out now, what was withheld, and the earliest instant a withheld message could go out. */
    public record Outcome(List<Action> emitted, List<Withheld> withheld, Instant wakeUp) {
    }

    private final Policies policies;
    private final Map<String, Integer> rank = new HashMap<>();
    /** Each experiment's bucket boundaries, by rule id. */
    private final Map<String, Arms> arms = new HashMap<>();

    public Delivery(Policies policies) {
        this.policies = policies;
        policies.experiments().forEach((rule, experiment) -> arms.put(rule, Arms.of(experiment)));
        for (int i = 0; i < policies.priority().size(); i++) {
            rank.put(policies.priority().get(i), i);
        }
    }

    /** SPEC §7's priority order: listed rules first in their order, then the rest by id; within a rule by key. */
    public Comparator<Action> priorityOrder() {
        return Comparator.comparingInt((Action a) -> rank.getOrDefault(a.rule(), Integer.MAX_VALUE))
                .thenComparing(Action::rule).thenComparing(Action::key).thenComparing(Action::type);
    }

    public Outcome apply(Contact contact, List<Action> fired, Instant now) {
        if (policies.isEmpty()) {
            return new Outcome(fired, List.of(), null);
        }
        List<Action> emitted = new ArrayList<>(fired.size());
        List<Action> messages = new ArrayList<>();
        for (Action a : fired) {
            (a.messageChannel() == null ? emitted : messages).add(a);
        }
        List<Withheld> withheld = new ArrayList<>();
        Instant wakeUp = null;

        String suppressedBy = suppressingTag(contact);
        if (suppressedBy != null) {
            // Tags change only through events or the engine's own actions, which wake the contact anyway.
            messages.forEach(m -> withheld.add(new Withheld(m, "suppressTags (" + suppressedBy + ")")));
            messages.clear();
        }
        Policies.QuietHours quiet = policies.quietHours();
        if (quiet != null && !messages.isEmpty()) {
            ZoneId zone = zoneOf(contact, quiet.defaultZone());
            if (quiet.contains(now.atZone(zone).toLocalTime())) {
                messages.forEach(m -> withheld.add(new Withheld(m, "quietHours")));
                messages.clear();
                wakeUp = nextLocal(now, zone, quiet.end());
            }
        }
        if (!arms.isEmpty()) {
            Map<String, String> armOfRule = new HashMap<>(); // one hash per rule, however many actions it fired
            emitted.replaceAll(a -> withArm(contact, a, armOfRule));
            List<Action> sent = new ArrayList<>(messages.size());
            java.util.Set<String> recorded = new java.util.HashSet<>();
            for (Action m : messages) {
                Action a = withArm(contact, m, armOfRule);
                if (!Policies.Experiment.HOLDOUT.equals(a.params().get("variant"))) {
                    sent.add(a);
                } else if (recorded.add(a.rule() + '\n' + a.key())) {
                    // One record per (rule, key): it stands for every message of that firing.
                    emitted.add(Action.of(a.contactId(), a.rule(), HOLDOUT_TYPE, a.key(), a.at(), holdoutParams(a)));
                }
            }
            messages = sent;
        }
        if (!policies.frequencyCaps().isEmpty() && !messages.isEmpty()) {
            messages.sort(priorityOrder());
            Map<Channel, List<Instant>> sent = recentMessages(contact, now);
            for (Action m : messages) {
                Channel channel = m.messageChannel();
                Policies.FrequencyCap cap = policies.frequencyCaps().get(channel);
                List<Instant> counted = sent.get(channel);
                if (cap != null && counted.size() >= cap.max()) {
                    withheld.add(new Withheld(m, "frequencyCap (" + channel.id() + ")"));
                    Instant frees = counted.stream().min(Comparator.naturalOrder()).orElseThrow().plus(cap.window());
                    wakeUp = earliest(wakeUp, frees);
                } else {
                    emitted.add(m);
                    counted.add(now);
                }
            }
        } else {
            emitted.addAll(messages);
        }
        return new Outcome(emitted, withheld, wakeUp);
    }

    /** {@code a} with {@code params.variant} when its rule has an experiment; else {@code a} itself. */
    private Action withArm(Contact contact, Action a, Map<String, String> armOfRule) {
        Arms experiment = arms.get(a.rule());
        if (experiment == null) {
            return a;
        }
        String arm = armOfRule.computeIfAbsent(a.rule(), r -> experiment.armOf(Policies.Experiment.bucket(contact.id(), r)));
        return a.withParam("variant", arm);
    }

    private static Map<String, Object> holdoutParams(Action message) {
        Map<String, Object> params = new java.util.LinkedHashMap<>(message.params());
        params.put("of", message.type());
        return params;
    }

    /** The contact's messages per channel in (now − window, now] of that channel's cap. */
    private Map<Channel, List<Instant>> recentMessages(Contact contact, Instant now) {
        Map<Channel, List<Instant>> sent = new EnumMap<>(Channel.class);
        for (Channel c : Channel.values()) {
            sent.put(c, new ArrayList<>());
        }
        for (LedgerEntry e : contact.ledger()) {
            Channel c = Channel.ofMessageType(e.type());
            Policies.FrequencyCap cap = c == null ? null : policies.frequencyCaps().get(c);
            if (cap != null && e.at().isAfter(now.minus(cap.window())) && !e.at().isAfter(now)) {
                sent.get(c).add(e.at());
            }
        }
        return sent;
    }

    private String suppressingTag(Contact contact) {
        for (String tag : policies.suppressTags()) {
            if (contact.hasTag(tag)) {
                return tag;
            }
        }
        return null;
    }

    /** The contact's zone from {@code attributes.timezone}, else the default (also for an invalid zone). */
    public static ZoneId zoneOf(Contact contact, ZoneId fallback) {
        String tz = contact.attribute("timezone");
        if (tz == null) {
            return fallback;
        }
        try {
            return ZoneId.of(tz);
        } catch (DateTimeException e) {
            return fallback;
        }
    }

    /**
     * The first instant after {@code now} at which the local time in {@code zone} is {@code time}. On a day
     * when {@code time} falls in a DST gap, the first instant after the gap; in an overlap, the first of the
     * two instants that is after {@code now}.
     */
    public static Instant nextLocal(Instant now, ZoneId zone, LocalTime time) {
        ZoneRules rules = zone.getRules();
        LocalDate day = now.atZone(zone).toLocalDate();
        for (int i = 0; i < 3; i++) {
            LocalDateTime local = LocalDateTime.of(day.plusDays(i), time);
            List<ZoneOffset> offsets = rules.getValidOffsets(local);
            List<Instant> candidates = new ArrayList<>();
            if (offsets.isEmpty()) {
                candidates.add(rules.getTransition(local).getInstant());
            } else {
                offsets.forEach(o -> candidates.add(local.toInstant(o)));
                candidates.sort(Comparator.naturalOrder());
            }
            for (Instant c : candidates) {
                if (c.isAfter(now)) {
                    return c;
                }
            }
        }
        throw new IllegalStateException("no local " + time + " in " + zone + " within two days of " + now);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isBefore(b) ? a : b);
    }
}

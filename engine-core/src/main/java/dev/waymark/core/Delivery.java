package dev.waymark.core;

import dev.waymark.Action;
import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.LedgerEntry;
import dev.waymark.Settings.Policies;
import dev.waymark.internal.ExperimentBuckets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline's deliver step: what may stop a message the rules fired for one contact, in this order —
 * consent (docs/events-and-actions.md: never a message without consent for its channel; the message is dropped), then the
 * opt-in policies of docs/settings-and-policies.md: suppress tags, quiet hours, experiments, and frequency caps taking firings in
 * priority order. A message a policy stops is withheld — not emitted, not in the ledger — and the wake-up
 * says when it could go out. Immutable and thread-safe.
 */
final class Delivery {

    /** The action type that stands in for a message to a contact in an experiment's holdout. */
    static final String HOLDOUT_TYPE = "experiment.holdout";

    /**
     * What goes out now, the earliest instant a withheld message could go out ({@code null}: none), and per
     * journey the sequence number of its first withheld send (its run holds there).
     */
    record Outcome(List<Action> emitted, Instant wakeUp, Map<String, Integer> heldAt) {
    }

    /**
     * Where each journey send stands among its journey's sends of this evaluation, by {@code rule + "\n" +
     * key}: a journey's sends are taken in that order (not by key), and once one is withheld the journey's
     * later actions are not emitted (its run holds at the withheld step). Empty for rules alone.
     */
    record JourneyOrder(Map<String, Integer> seq) {
        static final JourneyOrder NONE = new JourneyOrder(Map.of());

        int of(Action a) {
            return seq.isEmpty() ? -1 : seq.getOrDefault(a.rule() + '\n' + a.key(), -1);
        }
    }

    private final Policies policies;
    private final Map<String, Integer> rank = new HashMap<>();
    /** Each experiment's bucket boundaries, by rule id. */
    private final Map<String, ExperimentBuckets> arms = new HashMap<>();

    Delivery(Policies policies) {
        this.policies = policies;
        policies.experiments().forEach((rule, experiment) -> arms.put(rule, experiment.buckets()));
        for (int i = 0; i < policies.priority().size(); i++) {
            rank.put(policies.priority().get(i), i);
        }
    }

    /**
     * The priority order of docs/settings-and-policies.md: listed rules first in their order, then the rest by id; within a rule by key,
     * except that a journey's sends come in the order its runs reached them.
     */
    private Comparator<Action> priorityOrder(JourneyOrder order) {
        return Comparator.comparingInt((Action a) -> rank.getOrDefault(a.rule(), Integer.MAX_VALUE))
                .thenComparing(Action::rule).thenComparingInt(order::of).thenComparing(Action::key).thenComparing(Action::type);
    }

    /**
     * The actions of {@code admitted} that go out at {@code now}, journey sends taken in {@code order}; what is
     * dropped or withheld is told to {@code trace}.
     */
    Outcome apply(Contact contact, List<Action> admitted, Instant now, Trace trace, JourneyOrder order) {
        List<Action> fired = withConsent(contact, admitted, trace);
        if (policies.isEmpty()) {
            return new Outcome(fired, null, Map.of());
        }
        Map<String, Integer> heldAt = new HashMap<>();
        List<Action> emitted = new ArrayList<>(fired.size());
        List<Action> messages = new ArrayList<>();
        for (Action a : fired) {
            (a.messageChannel() == null ? emitted : messages).add(a);
        }
        Instant wakeUp = null;

        String suppressedBy = suppressingTag(contact);
        if (suppressedBy != null) {
            // Tags change only through events or the engine's own actions, which wake the contact anyway.
            messages.forEach(m -> trace.withheld(m, "suppressTags (" + suppressedBy + ")"));
            held(messages, order, heldAt);
            messages.clear();
        }
        Policies.QuietHours quiet = policies.quietHours();
        if (quiet != null && !messages.isEmpty()) {
            ZoneId zone = contact.zone(quiet.defaultZone());
            if (quiet.contains(now.atZone(zone).toLocalTime())) {
                messages.forEach(m -> trace.withheld(m, "quietHours"));
                held(messages, order, heldAt);
                messages.clear();
                wakeUp = LocalClock.next(now, zone, quiet.end());
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
            messages.sort(priorityOrder(order));
            Map<Channel, List<Instant>> sent = recentMessages(contact, now);
            for (Action m : messages) {
                Integer holds = heldAt.get(m.rule());
                if (holds != null && order.of(m) > holds) {
                    // Its journey holds at an earlier step: this send is not reached, so it counts toward no cap.
                    continue;
                }
                Channel channel = m.messageChannel();
                Policies.FrequencyCap cap = policies.frequencyCaps().get(channel);
                List<Instant> counted = sent.get(channel);
                if (cap != null && counted.size() >= cap.max()) {
                    trace.withheld(m, "frequencyCap (" + channel.id() + ")");
                    Instant frees = counted.stream().min(Comparator.naturalOrder()).orElseThrow().plus(cap.window());
                    wakeUp = earliest(wakeUp, frees);
                    held(List.of(m), order, heldAt);
                } else {
                    emitted.add(m);
                    counted.add(now);
                }
            }
        } else {
            emitted.addAll(messages);
        }
        if (!heldAt.isEmpty()) {
            // A journey's actions after its first withheld send belong to steps its run has not reached.
            emitted.removeIf(a -> {
                Integer holds = heldAt.get(a.rule());
                return holds != null && order.of(a) > holds;
            });
        }
        return new Outcome(emitted, wakeUp, Map.copyOf(heldAt));
    }

    /** Notes each journey send of {@code withheld} as a place its journey holds at (the first one counts). */
    private static void held(List<Action> withheld, JourneyOrder order, Map<String, Integer> heldAt) {
        for (Action m : withheld) {
            int seq = order.of(m);
            if (seq >= 0) {
                heldAt.merge(m.rule(), seq, Math::min);
            }
        }
    }

    /** Consent, the first step: every message whose channel lacks granted consent is dropped (not withheld). */
    private static List<Action> withConsent(Contact contact, List<Action> admitted, Trace trace) {
        List<Action> kept = null;
        for (int i = 0; i < admitted.size(); i++) {
            Action a = admitted.get(i);
            Channel channel = a.messageChannel();
            if (channel != null && !contact.consented(channel)) {
                trace.noConsent(a);
                if (kept == null) {
                    kept = new ArrayList<>(admitted.subList(0, i));
                }
            } else if (kept != null) {
                kept.add(a);
            }
        }
        return kept == null ? admitted : kept;
    }

    /** {@code a} with {@code params.variant} when its rule has an experiment; else {@code a} itself. */
    private Action withArm(Contact contact, Action a, Map<String, String> armOfRule) {
        ExperimentBuckets experiment = arms.get(a.rule());
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

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : (a.isBefore(b) ? a : b);
    }
}

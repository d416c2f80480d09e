package dev.waymark.bench;

import dev.waymark.Channel;
import dev.waymark.Contact;
import dev.waymark.Contact.Cart;
import dev.waymark.Contact.Order;
import dev.waymark.JourneyEngine;
import dev.waymark.Settings;
import dev.waymark.Stage;
import dev.waymark.core.Emissions;
import dev.waymark.core.Pipeline;
import dev.waymark.core.RuleRunner;
import dev.waymark.core.Stages;
import dev.waymark.internal.StandardRules;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ten standard rules of docs/standard-rules.md written as plain Java over the same folded {@link Contact} facts: the floor
 * for the rule-matching part of an evaluation. Plugged into the engine's own {@link Pipeline} (see
 * {@link #engine}), it shares everything else with Waymark — folding, skipping contacts not due, dedup,
 * consent, ledger, wake-ups — so the comparison isolates what Drools costs over Java.
 *
 * <p>Each rule declares the same due times as its DRL does (through {@link Emissions#dueAt}), in the same
 * conditions, so the wake-ups come out identical too; the benchmarks check both before timing. Parameters are
 * read from settings once, at construction. Immutable and thread-safe.
 */
public final class HandWrittenRules implements RuleRunner {

    private static final String EMAIL_SEND = "email.send";
    private static final String TAG_ADD = "tag.add";

    /** The rules, in the order of the {@code enabled} flags. */
    private static final List<String> RULES = List.of(StandardRules.WELCOME_SERIES, StandardRules.ABANDONED_CART,
            StandardRules.UNOPENED_CAMPAIGNS, StandardRules.WIN_BACK, StandardRules.REVIEW_REQUEST,
            StandardRules.LOYALTY_REWARD, StandardRules.CROSS_SELL, StandardRules.AD_EXCLUSION, StandardRules.CHURN_RISK,
            StandardRules.STAGE_PROGRESSION);

    /** Which rules are on, by their position in {@link #RULES}. */
    private final boolean[] enabled;
    private final List<Duration> welcomeDelays;
    private final Duration welcomeStale;
    private final Duration cartAfter;
    private final Duration cartMaxAge;
    private final int streak;
    private final Duration winBackDays;
    private final double vipSpent;
    private final int vipCouponPercent;
    private final Duration reviewAfter;
    private final Duration reviewWindow;
    private final int loyaltyMinOrders;
    private final double loyaltyMinSpent;
    private final int loyaltyPercent;
    private final Duration crossSellAfter;
    private final double churnFactor;
    private final Duration churnLapse;
    private final Duration stageLapse;

    /** Reads every parameter from {@code settings}. */
    public HandWrittenRules(Settings settings) {
        enabled = new boolean[RULES.size()];
        for (int k = 0; k < enabled.length; k++) {
            enabled[k] = settings.enabled(RULES.get(k));
        }
        welcomeDelays = settings.durations(StandardRules.WELCOME_SERIES, "delaysHours");
        welcomeStale = settings.duration(StandardRules.WELCOME_SERIES, "staleHours");
        cartAfter = settings.duration(StandardRules.ABANDONED_CART, "afterHours");
        cartMaxAge = settings.duration(StandardRules.ABANDONED_CART, "maxAgeHours");
        streak = settings.integer(StandardRules.UNOPENED_CAMPAIGNS, "streak");
        winBackDays = settings.duration(StandardRules.WIN_BACK, "days");
        vipSpent = settings.number(StandardRules.WIN_BACK, "vipSpent");
        vipCouponPercent = settings.integer(StandardRules.WIN_BACK, "vipCouponPercent");
        reviewAfter = settings.duration(StandardRules.REVIEW_REQUEST, "afterDays");
        reviewWindow = settings.duration(StandardRules.REVIEW_REQUEST, "windowDays");
        loyaltyMinOrders = settings.integer(StandardRules.LOYALTY_REWARD, "minOrders");
        loyaltyMinSpent = settings.number(StandardRules.LOYALTY_REWARD, "minSpent");
        loyaltyPercent = settings.integer(StandardRules.LOYALTY_REWARD, "percent");
        crossSellAfter = settings.duration(StandardRules.CROSS_SELL, "afterDays");
        churnFactor = settings.number(StandardRules.CHURN_RISK, "factor");
        churnLapse = settings.duration(StandardRules.CHURN_RISK, "lapseDays");
        stageLapse = settings.duration(StandardRules.STAGE_PROGRESSION, "lapseDays");
    }

    /**
     * An engine running these rules in Waymark's pipeline. {@code rulesetId} should be the Drools engine's
     * fingerprint for the same settings (a state's {@code rulesetId()}): the rules are the same, so a wake-up
     * either engine stored is valid for the other, and both skip the same contacts.
     */
    public static JourneyEngine engine(Settings settings, String rulesetId, int batchSize) {
        TreeSet<String> ids = new TreeSet<>();
        for (String id : StandardRules.ids()) {
            if (settings.enabled(id)) {
                ids.add(id);
            }
        }
        // no custom rules, no templates: the same configuration Waymark.builder() gives the standard rules
        return Pipeline.around(new HandWrittenRules(settings))
                .settings(settings)
                .ruleset(rulesetId, ids)
                .batchSize(batchSize)
                .build();
    }

    @Override
    public void fire(List<Contact> contacts, Instant now, Emissions out) {
        for (int i = 0; i < contacts.size(); i++) {
            fire(contacts.get(i), i, now, out);
        }
    }

    private void fire(Contact c, int i, Instant now, Emissions out) {
        boolean email = c.consented(Channel.EMAIL);
        if (enabled[0] && email) {
            welcomeSeries(c, i, now, out);
        }
        if (enabled[1] && email) {
            abandonedCart(c, i, now, out);
        }
        if (enabled[2] && c.unopenedStreak() >= streak) {
            String key = "after:" + (c.lastEngagementAt() == null ? "never" : c.lastEngagementAt().toString());
            out.emit(i, StandardRules.UNOPENED_CAMPAIGNS, TAG_ADD, key, Map.of("tag", "unengaged"));
            out.emit(i, StandardRules.UNOPENED_CAMPAIGNS, EMAIL_SEND, key, Map.of("template", "re-engagement"));
        }
        if (enabled[3] && email && c.orderCount() >= 1) {
            winBack(c, i, now, out);
        }
        if (enabled[4] && email) {
            reviewRequest(c, i, now, out);
        }
        if (enabled[5] && (c.orderCount() >= loyaltyMinOrders || c.totalSpent() >= loyaltyMinSpent)) {
            out.emit(i, StandardRules.LOYALTY_REWARD, TAG_ADD, "once", Map.of("tag", "loyal"));
            out.emit(i, StandardRules.LOYALTY_REWARD, "coupon.issue", "once", Map.of("percent", loyaltyPercent));
        }
        if (enabled[6] && email && c.orderCount() >= 1 && c.categories().size() == 1) {
            Instant at = c.lastOrderAt().plus(crossSellAfter);
            if (now.isBefore(at)) {
                out.dueAt(i, at);
            } else {
                String category = c.categories().iterator().next();
                out.emit(i, StandardRules.CROSS_SELL, EMAIL_SEND, category, Map.of("template", "cross-sell", "category", category));
            }
        }
        if (enabled[7] && c.orderCount() >= 1) {
            out.emit(i, StandardRules.AD_EXCLUSION, "audience.remove", "once", Map.of("audience", "acquisition"));
        }
        if (enabled[8] && c.orderCount() >= 3) {
            churnRisk(c, i, now, out);
        }
        if (enabled[9]) {
            Stage to = Stages.compute(c, now, stageLapse, at -> out.dueAt(i, at));
            if (to != null && to != c.stage()) {
                String from = c.stage() == null ? "none" : c.stage().id();
                out.emit(i, StandardRules.STAGE_PROGRESSION, "stage.set", from + ">" + to.id() + "@" + now,
                        Map.of("from", from, "to", to.id()));
            }
        }
    }

    private void welcomeSeries(Contact c, int i, Instant now, Emissions out) {
        Instant subscribed = c.subscribedAt(Channel.EMAIL);
        if (subscribed == null) {
            return;
        }
        boolean noOrderSince = c.lastOrderAt() == null || c.lastOrderAt().isBefore(subscribed);
        for (int k = 1; k <= welcomeDelays.size(); k++) {
            if (k > 1 && !noOrderSince) {
                break;
            }
            Instant at = subscribed.plus(welcomeDelays.get(k - 1));
            if (!now.isBefore(at.plus(welcomeStale))) {
                continue; // stale: no longer sent, nothing to wake up for
            }
            if (now.isBefore(at)) {
                out.dueAt(i, at);
            } else {
                out.emit(i, StandardRules.WELCOME_SERIES, EMAIL_SEND, "step-" + k, Map.of("template", "welcome-" + k));
            }
        }
    }

    private void abandonedCart(Contact c, int i, Instant now, Emissions out) {
        for (Cart cart : c.openCarts()) {
            if (cart.itemCount() <= 0 || !now.isBefore(cart.lastActivity().plus(cartMaxAge))) {
                continue;
            }
            Instant at = cart.lastActivity().plus(cartAfter);
            if (now.isBefore(at)) {
                out.dueAt(i, at);
            } else {
                out.emit(i, StandardRules.ABANDONED_CART, EMAIL_SEND, cart.id(),
                        Map.of("template", "abandoned-cart", "cartId", cart.id(), "cartValue", cart.value()));
            }
        }
    }

    private void winBack(Contact c, int i, Instant now, Emissions out) {
        Instant last = c.lastOrderAt();
        Instant at = last.plus(winBackDays);
        if (now.isBefore(at)) {
            out.dueAt(i, at);
            return;
        }
        String key = last.toString();
        out.emit(i, StandardRules.WIN_BACK, EMAIL_SEND, key,
                Map.of("template", "win-back", "daysSinceLastOrder", Duration.between(last, now).toDays()));
        if (c.totalSpent() >= vipSpent) {
            out.emit(i, StandardRules.WIN_BACK, "coupon.issue", key, Map.of("percent", vipCouponPercent));
        }
    }

    private void reviewRequest(Contact c, int i, Instant now, Emissions out) {
        for (Order o : c.recentOrders()) {
            if (o.reviewed()) {
                continue;
            }
            Instant from = o.placedAt().plus(reviewAfter);
            if (!now.isBefore(from.plus(reviewWindow))) {
                continue;
            }
            if (now.isBefore(from)) {
                out.dueAt(i, from);
            } else {
                out.emit(i, StandardRules.REVIEW_REQUEST, EMAIL_SEND, o.id(), Map.of("template", "review-request", "orderId", o.id()));
            }
        }
    }

    private void churnRisk(Contact c, int i, Instant now, Emissions out) {
        Instant last = c.lastOrderAt();
        Duration silence = scaled(Duration.between(c.firstOrderAt(), last), churnFactor).dividedBy(c.orderCount() - 1);
        Instant quietUntil = last.plus(silence);
        if (!now.isAfter(quietUntil)) {
            out.dueAt(i, quietUntil.plusNanos(1)); // strictly more than the silence
            return;
        }
        if (now.isBefore(last.plus(churnLapse))) {
            String key = last.toString();
            out.emit(i, StandardRules.CHURN_RISK, TAG_ADD, key, Map.of("tag", "churn-risk"));
            out.emit(i, StandardRules.CHURN_RISK, "task.create", key, Map.of("kind", "retention-call"));
        }
    }

    /** {@code d × factor} rounded down to the nanosecond, as the DRL's {@code waymark.scaled} (exact, so boundaries agree). */
    static Duration scaled(Duration d, double factor) {
        BigDecimal nanos = BigDecimal.valueOf(d.getSeconds()).movePointRight(9).add(BigDecimal.valueOf(d.getNano()));
        BigDecimal scaled = nanos.multiply(new BigDecimal(factor)).setScale(0, RoundingMode.FLOOR);
        BigDecimal[] secondsAndNanos = scaled.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
        return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValueExact());
    }
}

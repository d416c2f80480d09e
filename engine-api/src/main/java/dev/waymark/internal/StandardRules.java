package dev.waymark.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The catalogue of the standard rules of docs/standard-rules.md: their ids, parameters, kinds, ranges and defaults. Settings
 * validate against it; rules read their parameters through it.
 */
public final class StandardRules {
    private StandardRules() {
    }

    /** What a parameter holds. Durations are given in settings as numbers of hours or days. */
    public enum Kind {
        HOURS("a number of hours"), DAYS("a number of days"), HOURS_LIST("an array of numbers of hours"),
        INTEGER("an integer"), NUMBER("a number");

        public final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    /** One parameter: its kind, default, and inclusive range (in hours, days or plain units). */
    public record Param(String name, Kind kind, Object defaultValue, double min, double max) {
    }

    /** How long orders and carts are remembered; rule windows must fit inside it. */
    public static final Duration RETENTION = Duration.ofDays(180);

    public static final String WELCOME_SERIES = "welcome-series";
    public static final String ABANDONED_CART = "abandoned-cart";
    public static final String UNOPENED_CAMPAIGNS = "unopened-campaigns";
    public static final String WIN_BACK = "win-back";
    public static final String REVIEW_REQUEST = "review-request";
    public static final String LOYALTY_REWARD = "loyalty-reward";
    public static final String CROSS_SELL = "cross-sell";
    public static final String AD_EXCLUSION = "ad-exclusion";
    public static final String CHURN_RISK = "churn-risk";
    public static final String STAGE_PROGRESSION = "stage-progression";

    /** Most distinct unopened campaigns remembered; the streak parameter may not exceed it. */
    public static final int MAX_STREAK = 256;

    private static final double DAYS_MAX = RETENTION.toDays();
    private static final double HOURS_MAX = RETENTION.toHours();

    private static final Map<String, Map<String, Param>> RULES = build();

    private static Map<String, Map<String, Param>> build() {
        Map<String, Map<String, Param>> m = new LinkedHashMap<>();
        m.put(WELCOME_SERIES, params(
                new Param("delaysHours", Kind.HOURS_LIST, List.of(Duration.ZERO, Duration.ofHours(48), Duration.ofHours(120)), 0, HOURS_MAX),
                new Param("staleHours", Kind.HOURS, Duration.ofHours(72), 0, HOURS_MAX)));
        m.put(ABANDONED_CART, params(
                new Param("afterHours", Kind.HOURS, Duration.ofHours(4), 0, HOURS_MAX),
                new Param("maxAgeHours", Kind.HOURS, Duration.ofHours(72), 0, HOURS_MAX)));
        m.put(UNOPENED_CAMPAIGNS, params(new Param("streak", Kind.INTEGER, 5, 1, MAX_STREAK)));
        m.put(WIN_BACK, params(
                new Param("days", Kind.DAYS, Duration.ofDays(90), 0, 100_000),
                new Param("vipSpent", Kind.NUMBER, 500.0, 0, Double.MAX_VALUE),
                new Param("vipCouponPercent", Kind.INTEGER, 15, 1, 100)));
        m.put(REVIEW_REQUEST, params(
                new Param("afterDays", Kind.DAYS, Duration.ofDays(7), 0, DAYS_MAX),
                new Param("windowDays", Kind.DAYS, Duration.ofDays(7), 0, DAYS_MAX)));
        m.put(LOYALTY_REWARD, params(
                new Param("minOrders", Kind.INTEGER, 3, 1, Integer.MAX_VALUE),
                new Param("minSpent", Kind.NUMBER, 500.0, 0, Double.MAX_VALUE),
                new Param("percent", Kind.INTEGER, 10, 1, 100)));
        m.put(CROSS_SELL, params(new Param("afterDays", Kind.DAYS, Duration.ofDays(14), 0, 100_000)));
        m.put(AD_EXCLUSION, params());
        m.put(CHURN_RISK, params(
                new Param("factor", Kind.NUMBER, 2.0, 0, 1_000),
                new Param("lapseDays", Kind.DAYS, Duration.ofDays(180), 0, 100_000)));
        m.put(STAGE_PROGRESSION, params(new Param("lapseDays", Kind.DAYS, Duration.ofDays(180), 0, 100_000)));
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, Param> params(Param... ps) {
        Map<String, Param> m = new LinkedHashMap<>();
        for (Param p : ps) {
            m.put(p.name(), p);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The standard rule ids, in the order of docs/standard-rules.md. */
    public static Set<String> ids() {
        return RULES.keySet();
    }

    public static boolean isStandard(String ruleId) {
        return RULES.containsKey(ruleId);
    }

    /** The parameters of a standard rule; empty for a custom rule. */
    public static Map<String, Param> params(String ruleId) {
        return RULES.getOrDefault(ruleId, Map.of());
    }

    private static final Map<String, String> SUMMARIES = Map.of(
            WELCOME_SERIES, "needs email consent granted by a subscription; steps after the first only without an order since",
            ABANDONED_CART, "needs email consent and an open cart with items, untouched for afterHours and younger than maxAgeHours",
            UNOPENED_CAMPAIGNS, "needs an unopened streak of at least `streak` campaigns",
            WIN_BACK, "needs email consent, an order, and `days` since the last order",
            REVIEW_REQUEST, "needs email consent and an unreviewed order placed afterDays to afterDays + windowDays ago",
            LOYALTY_REWARD, "needs minOrders orders or minSpent spent",
            CROSS_SELL, "needs email consent, orders from exactly one category, and afterDays since the last order",
            AD_EXCLUSION, "needs an order",
            CHURN_RISK, "needs 3+ orders and a silence longer than factor × the average gap, but under lapseDays",
            STAGE_PROGRESSION, "needs the computed stage to differ from the stored one");

    /** What a standard rule's condition needs, in a sentence for explanations; {@code null} for a custom rule. */
    public static String summary(String ruleId) {
        return SUMMARIES.get(ruleId);
    }
}

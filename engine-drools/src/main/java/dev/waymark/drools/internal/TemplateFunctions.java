package dev.waymark.drools.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.Currency;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The functions a message template may call, and the budget of one rendering. Templates call
 * {@code number}, {@code money} and {@code date}; the template compiler passes each call the
 * {@link Render} of the message as a hidden first argument (a template cannot name it), and routes every
 * {@code @foreach} through {@link #each} so its iterations count against the budget. Public only because
 * MVEL calls these by reflection; implemented for the engine's templates, not for hosts.
 *
 * <p>Every function is pure apart from counting into its {@code Render}; a bad argument throws
 * {@link IllegalArgumentException} with a message for a person, which fails that message's rendering.
 * Thread-safe: the functions keep no state; a {@code Render} is confined to the thread rendering one message.
 */
public final class TemplateFunctions {

    /** Numbers at or beyond this magnitude are shown in scientific notation rather than written out. */
    private static final BigDecimal HUGE = BigDecimal.TEN.pow(21);

    private TemplateFunctions() {
    }

    /**
     * The state and limits of rendering one message: the contact's time zone, the characters written and the
     * {@code @foreach} iterations run so far. Confined to the rendering thread.
     */
    public static final class Render {
        private final ZoneId zone;
        private final int maxIterations;
        private int iterations;
        private String overBudget;

        /**
         * @param zone          the contact's time zone for {@code date}
         * @param maxIterations most {@code @foreach} iterations, over all loops of the template
         */
        public Render(ZoneId zone, int maxIterations) {
            this.zone = zone;
            this.maxIterations = maxIterations;
        }

        /** Why the rendering went over its budget, or null. */
        public String overBudget() {
            return overBudget;
        }

        /**
         * Records that the budget is exceeded and throws {@link IllegalStateException}, which stops the rendering.
         *
         * @param why what was exceeded, for the run's report
         */
        public void exceeded(String why) {
            if (overBudget == null) {
                overBudget = why;
            }
            throw new IllegalStateException(why);
        }

        void iterated() {
            if (++iterations > maxIterations) {
                exceeded("over the budget of " + maxIterations + " @foreach iterations");
            }
        }
    }

    /**
     * What {@code @foreach} walks: a list, set or array element by element, or a whole number {@code n} as
     * {@code 0 .. n-1}; each step counts against the budget of {@code r}.
     */
    public static Iterable<Object> each(Render r, Object over) {
        Iterator<?> base;
        if (over instanceof Iterable<?> it) {
            base = it.iterator();
        } else if (over instanceof Object[] array) {
            base = Arrays.asList(array).iterator();
        } else if (over instanceof Map<?, ?> m) {
            base = m.values().iterator();
        } else if (over instanceof Number n && (over instanceof Long || over instanceof Integer)) {
            base = new Iterator<Long>() {
                private long next;

                @Override
                public boolean hasNext() {
                    return next < n.longValue();
                }

                @Override
                public Long next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return next++;
                }
            };
        } else {
            throw new IllegalArgumentException("@foreach cannot walk " + describe(over) + ": give a list or a whole number");
        }
        Iterator<?> source = base;
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public Object next() {
                r.iterated();
                return source.next();
            }
        };
    }

    /** {@code x} with thousands separators and at most two decimals, trailing zeros dropped: {@code 1,234.5}. */
    public static String number(Render r, Object x) {
        return format(decimal("number", x), 0, 2);
    }

    /** {@code x} with thousands separators and exactly {@code digits} decimals (0 to 10), rounded half up. */
    public static String number(Render r, Object x, Object digits) {
        int d = whole("number", digits);
        if (d < 0 || d > 10) {
            throw new IllegalArgumentException("number: digits must be 0 to 10, was " + d);
        }
        return format(decimal("number", x), d, d);
    }

    /**
     * {@code x} as an amount of the ISO 4217 {@code currency}: its usual decimals (2 for EUR, 0 for JPY),
     * thousands separators, then the code: {@code 1,234.50 EUR}.
     */
    public static String money(Render r, Object x, Object currency) {
        if (!(currency instanceof String code)) {
            throw new IllegalArgumentException("money: the currency must be a code such as \"EUR\", was " + describe(currency));
        }
        Currency c;
        try {
            c = Currency.getInstance(code.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("money: '" + code + "' is not an ISO 4217 currency code");
        }
        int d = Math.max(0, c.getDefaultFractionDigits());
        return format(decimal("money", x), d, d) + " " + c.getCurrencyCode();
    }

    /** The calendar date of {@code x} in the contact's zone, as {@code 2026-11-20}. */
    public static String date(Render r, Object x) {
        return DateTimeFormatter.ISO_LOCAL_DATE.format(temporal(r, x));
    }

    /**
     * {@code x} in the contact's zone, written with a {@link DateTimeFormatter} {@code pattern} in English,
     * for example {@code "d MMM yyyy"} (20 Nov 2026) or {@code "HH:mm"}.
     */
    public static String date(Render r, Object x, Object pattern) {
        if (!(pattern instanceof String p)) {
            throw new IllegalArgumentException("date: the pattern must be text such as \"d MMM yyyy\", was " + describe(pattern));
        }
        DateTimeFormatter f;
        try {
            f = DateTimeFormatter.ofPattern(p, Locale.ENGLISH);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("date: '" + p + "' is not a date pattern: " + e.getMessage());
        }
        try {
            return f.format(temporal(r, x));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("date: pattern '" + p + "' does not fit " + describe(x) + ": " + e.getMessage());
        }
    }

    private static TemporalAccessor temporal(Render r, Object x) {
        if (x instanceof Instant i) {
            return i.atZone(r.zone);
        }
        if (x instanceof LocalDate d) {
            return d;
        }
        if (x instanceof String s) {
            try {
                return Instant.parse(s.strip()).atZone(r.zone);
            } catch (DateTimeException e) {
                try {
                    return LocalDate.parse(s.strip());
                } catch (DateTimeException e2) {
                    throw new IllegalArgumentException("date: '" + s + "' is neither an instant (2026-11-20T10:00:00Z) nor a date (2026-11-20)");
                }
            }
        }
        throw new IllegalArgumentException("date: " + describe(x) + " is not an instant or a date");
    }

    private static BigDecimal decimal(String fn, Object x) {
        if (x instanceof Long || x instanceof Integer || x instanceof Short || x instanceof Byte) {
            return BigDecimal.valueOf(((Number) x).longValue());
        }
        if (x instanceof Double || x instanceof Float) {
            double d = ((Number) x).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(fn + ": " + d + " is not a finite number");
            }
            return BigDecimal.valueOf(d);
        }
        if (x instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (x instanceof BigDecimal b) {
            return b;
        }
        if (x instanceof String s) {
            try {
                return new BigDecimal(s.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(fn + ": '" + s + "' is not a number");
            }
        }
        throw new IllegalArgumentException(fn + ": " + describe(x) + " is not a number");
    }

    private static int whole(String fn, Object x) {
        if (x instanceof Long || x instanceof Integer) {
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, ((Number) x).longValue()));
        }
        throw new IllegalArgumentException(fn + ": " + describe(x) + " is not a whole number");
    }

    private static String format(BigDecimal x, int minDigits, int maxDigits) {
        if (x.abs().compareTo(HUGE) >= 0) {
            // Writing out 1E+999999999 in full would take gigabytes: a huge amount is shown as the engineer would.
            return x.round(new java.math.MathContext(6, RoundingMode.HALF_UP)).toString();
        }
        DecimalFormat f = new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT));
        f.setMinimumFractionDigits(minDigits);
        f.setMaximumFractionDigits(maxDigits);
        f.setRoundingMode(RoundingMode.HALF_UP);
        return f.format(x.setScale(maxDigits, RoundingMode.HALF_UP));
    }

    private static String describe(Object x) {
        if (x == null) {
            return "null (no value)";
        }
        String s = String.valueOf(x);
        String kind = x instanceof String ? "text" : x instanceof Number ? "number" : x instanceof List<?> ? "list"
                : x instanceof Map<?, ?> ? "map" : x instanceof Boolean ? "true/false" : "value";
        return kind + " '" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
    }
}

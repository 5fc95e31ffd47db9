package dev.flotilla.unit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A duration in systemd's time-span syntax ({@code systemd.time(7)}): one or more
 * {@code <number><unit>} terms, optionally separated by spaces, summed: {@code 5s}, {@code 1min 30s},
 * {@code 1h30min}, {@code 100ms}, {@code 1.5s}, {@code 2 weeks}. A term without a unit is in seconds
 * ({@code 90} is 90 s), as for {@code TimeoutStartSec=} and {@code RestartSec=}. {@code infinity}
 * is the unbounded span. Units: {@code us usec µs}, {@code ms msec}, {@code s sec second seconds},
 * {@code m min minute minutes}, {@code h hr hour hours}, {@code d day days}, {@code w week weeks},
 * {@code M month months} (30.44 d), {@code y year years} (365.25 d). Resolution: 1 µs.
 * Immutable.
 *
 * @param micros the span in microseconds; {@link Long#MAX_VALUE} is infinity
 */
public record TimeSpan(long micros) implements Comparable<TimeSpan> {

    /** The unbounded span, written {@code infinity}. */
    public static final TimeSpan INFINITY = new TimeSpan(Long.MAX_VALUE);

    /** Zero. */
    public static final TimeSpan ZERO = new TimeSpan(0);

    private static final long SECOND = 1_000_000L;

    private record Unit(String name, long micros) {}

    /** Longest names first, so that {@code ms} wins over {@code m} and {@code min} over {@code m}. */
    private static final List<Unit> UNITS = List.of(
            new Unit("seconds", SECOND), new Unit("minutes", 60 * SECOND), new Unit("months", 2_629_800 * SECOND),
            new Unit("second", SECOND), new Unit("minute", 60 * SECOND), new Unit("month", 2_629_800 * SECOND),
            new Unit("hours", 3600 * SECOND), new Unit("weeks", 604_800 * SECOND), new Unit("years", 31_557_600 * SECOND),
            new Unit("hour", 3600 * SECOND), new Unit("days", 86_400 * SECOND), new Unit("week", 604_800 * SECOND),
            new Unit("year", 31_557_600 * SECOND), new Unit("usec", 1), new Unit("msec", 1000),
            new Unit("sec", SECOND), new Unit("min", 60 * SECOND), new Unit("day", 86_400 * SECOND),
            new Unit("hr", 3600 * SECOND), new Unit("ms", 1000), new Unit("us", 1), new Unit("\u00b5s", 1),
            new Unit("\u03bcs", 1), new Unit("s", SECOND), new Unit("m", 60 * SECOND), new Unit("M", 2_629_800 * SECOND),
            new Unit("h", 3600 * SECOND), new Unit("d", 86_400 * SECOND), new Unit("w", 604_800 * SECOND),
            new Unit("y", 31_557_600 * SECOND));

    /** Units {@link #toString()} writes, largest first. */
    private static final List<Unit> FORMAT = List.of(new Unit("d", 86_400 * SECOND), new Unit("h", 3600 * SECOND),
            new Unit("min", 60 * SECOND), new Unit("s", SECOND), new Unit("ms", 1000), new Unit("us", 1));

    /**
     * Validates the span.
     *
     * @throws IllegalArgumentException when {@code micros} is negative
     */
    public TimeSpan {
        if (micros < 0) {
            throw new IllegalArgumentException("a time span cannot be negative: " + micros + "us");
        }
    }

    /**
     * Parses systemd time-span syntax.
     *
     * @throws ValueSyntaxException on an empty value, a negative or malformed number, an unknown
     *     unit, or a span too large for 64-bit microseconds; the offset points at the culprit
     */
    public static TimeSpan parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = Text.trim(text);
        int base = text.indexOf(s.isEmpty() ? text : s);
        if (s.equals("infinity")) {
            return INFINITY;
        }
        if (s.isEmpty()) {
            throw new ValueSyntaxException(0, "empty time span; write e.g. 5s, 1min 30s or infinity");
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            if (s.charAt(i) == '-') {
                throw new ValueSyntaxException(base + i, "a time span cannot be negative");
            }
            while (i < s.length() && (Character.isDigit(s.charAt(i)) && s.charAt(i) < 128 || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.chars().noneMatch(Character::isDigit) || number.indexOf('.') != number.lastIndexOf('.')) {
                throw new ValueSyntaxException(base + start, "expected a number in time span " + Text.quote(s)
                        + "; write e.g. 5s, 1min 30s or infinity");
            }
            while (i < s.length() && Text.isBlank(s.charAt(i))) {
                i++;
            }
            Unit unit = new Unit("s", SECOND);
            int unitStart = i;
            if (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                unit = null;
                for (Unit u : UNITS) {
                    if (s.startsWith(u.name(), i)) {
                        unit = u;
                        break;
                    }
                }
                if (unit == null) {
                    throw new ValueSyntaxException(base + i, "unknown time unit in " + Text.quote(s)
                            + "; use us, ms, s, min, h, d, w, M, y");
                }
                i += unit.name().length();
                if (i < s.length() && Character.isLetter(s.charAt(i))) {
                    throw new ValueSyntaxException(base + unitStart, "unknown time unit in " + Text.quote(s)
                            + "; use us, ms, s, min, h, d, w, M, y");
                }
            }
            BigDecimal n = new BigDecimal(number.startsWith(".") ? "0" + number : number.endsWith(".") ? number + "0" : number);
            total = total.add(n.multiply(BigDecimal.valueOf(unit.micros())));
            while (i < s.length() && Text.isBlank(s.charAt(i))) {
                i++;
            }
        }
        BigDecimal rounded = total.setScale(0, RoundingMode.DOWN);
        if (rounded.compareTo(BigDecimal.valueOf(Long.MAX_VALUE - 1)) > 0) {
            throw new ValueSyntaxException(base, "time span " + Text.quote(s) + " is too large; write infinity");
        }
        return new TimeSpan(rounded.longValueExact());
    }

    /** The span of {@code d}, truncated to microseconds. */
    public static TimeSpan of(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a time span cannot be negative: " + d);
        }
        return new TimeSpan(Math.multiplyExact(d.getSeconds(), SECOND) + d.getNano() / 1000);
    }

    /** Whether this is {@link #INFINITY}. */
    public boolean isInfinite() {
        return micros == Long.MAX_VALUE;
    }

    /**
     * This span as a {@link Duration}.
     *
     * @throws IllegalStateException when the span is infinite; check {@link #isInfinite()} first
     */
    public Duration toDuration() {
        if (isInfinite()) {
            throw new IllegalStateException("an infinite time span has no Duration");
        }
        return Duration.ofSeconds(micros / SECOND, (micros % SECOND) * 1000);
    }

    /** Orders by length; infinity is the largest. */
    @Override
    public int compareTo(TimeSpan other) {
        return Long.compare(micros, other.micros);
    }

    /** systemd-style text that {@link #parse} reads back to the same span: {@code 1min 30s}, {@code 0}, {@code infinity}. */
    @Override
    public String toString() {
        if (isInfinite()) {
            return "infinity";
        }
        if (micros == 0) {
            return "0";
        }
        StringBuilder b = new StringBuilder();
        long rest = micros;
        for (Unit u : FORMAT) {
            if (rest >= u.micros()) {
                if (!b.isEmpty()) {
                    b.append(' ');
                }
                b.append(rest / u.micros()).append(u.name());
                rest %= u.micros();
            }
        }
        return b.toString();
    }
}

package dev.flotilla.unit;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Podman/Docker memory sizes ({@code RAMInBytes}): {@code 1024}, {@code 256m}, {@code 1g}, {@code 1.5GiB}; binary units. */
final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kmgtp])?(i)?(b)?",
            Pattern.CASE_INSENSITIVE);

    private ByteSize() {}

    /** Bytes in {@code value}; at least 1. */
    static long parse(String value) {
        Matcher m = SIZE.matcher(value);
        if (!m.matches() || m.group(3) != null && m.group(2) == null) {
            throw new ValueSyntaxException(0, "expected a size such as 268435456, 256m or 1g, got " + Text.quote(value));
        }
        int power = m.group(2) == null ? 0 : "kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1024).pow(power));
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new ValueSyntaxException(0, "size " + Text.quote(value) + " is too large");
        }
        long result = bytes.longValue();
        if (result < 1) {
            throw new ValueSyntaxException(0, "size must be at least 1 byte, got " + Text.quote(value));
        }
        return result;
    }
}

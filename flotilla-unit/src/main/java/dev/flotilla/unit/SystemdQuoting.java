package dev.flotilla.unit;

import java.util.ArrayList;
import java.util.List;

/**
 * systemd's word splitting with quotes and C escapes ({@code extract_first_word} with
 * {@code EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE}), as used for {@code ExecStart=}, {@code Environment=},
 * Quadlet's {@code Exec=} and fleet's quoted {@code MachineMetadata="a=b" "c=d"}.
 *
 * <p>Words are separated by whitespace. Single and double quotes group (and may start or end in
 * the middle of a word: {@code a"b c"d} is {@code ab cd}); {@code ""} is an empty word. A backslash
 * escapes inside and outside quotes: {@code \a \b \f \n \r \t \v \\ \" \' \s} (space),
 * {@code \xNN}, {@code \NNN} (octal), {@code \}{@code uNNNN}, {@code \UNNNNNNNN}. Stateless and
 * thread-safe.
 */
public final class SystemdQuoting {

    /** A word and the offset in the input where it starts. */
    record Word(String text, int offset) {}

    private SystemdQuoting() {}

    /**
     * Splits {@code value} into words.
     *
     * @throws ValueSyntaxException on an unterminated quote, a trailing backslash, an unknown escape
     *     or an escape producing NUL; the offset points at the culprit
     */
    public static List<String> split(String value) {
        return splitWithOffsets(value).stream().map(Word::text).toList();
    }

    /**
     * Quotes {@code word} so that {@link #split} returns it unchanged as one word: unchanged when it
     * has no whitespace, quotes, backslashes or control characters, else double-quoted with escapes.
     */
    public static String quote(String word) {
        boolean plain = !word.isEmpty() && word.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '\''
                || c == '\\' || c == 0x7f);
        if (plain) {
            return word;
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static List<Word> splitWithOffsets(String value) {
        List<Word> words = new ArrayList<>();
        int n = value.length();
        int i = 0;
        while (true) {
            while (i < n && isSeparator(value.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return List.copyOf(words);
            }
            int start = i;
            StringBuilder word = new StringBuilder();
            char quote = 0;
            int quoteAt = -1;
            while (i < n) {
                char c = value.charAt(i);
                if (quote == 0 && isSeparator(c)) {
                    break;
                }
                if (c == quote) {
                    quote = 0;
                    i++;
                } else if (quote == 0 && (c == '\'' || c == '"')) {
                    quote = c;
                    quoteAt = i;
                    i++;
                } else if (c == '\\') {
                    i = unescape(value, i, word);
                } else {
                    word.append(c);
                    i++;
                }
            }
            if (quote != 0) {
                throw new ValueSyntaxException(quoteAt, "unterminated " + (quote == '"' ? "double" : "single")
                        + " quote");
            }
            words.add(new Word(word.toString(), start));
        }
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** Appends the char(s) the escape at {@code at} stands for; returns the index after it. */
    private static int unescape(String s, int at, StringBuilder out) {
        if (at + 1 >= s.length()) {
            throw new ValueSyntaxException(at, "backslash at the end of the value; write \\\\ for a backslash");
        }
        char c = s.charAt(at + 1);
        String simple = switch (c) {
            case 'a' -> "\u0007";
            case 'b' -> "\b";
            case 'f' -> "\f";
            case 'n' -> "\n";
            case 'r' -> "\r";
            case 't' -> "\t";
            case 'v' -> "\u000b";
            case 's' -> " ";
            case '\\', '"', '\'' -> String.valueOf(c);
            default -> null;
        };
        if (simple != null) {
            out.append(simple);
            return at + 2;
        }
        int digits;
        int radix;
        int skip;
        switch (c) {
            case 'x' -> { digits = 2; radix = 16; skip = 2; }
            case 'u' -> { digits = 4; radix = 16; skip = 2; }
            case 'U' -> { digits = 8; radix = 16; skip = 2; }
            default -> {
                if (c < '0' || c > '7') {
                    throw new ValueSyntaxException(at, "unknown escape \\" + new String(Character.toChars(
                            s.codePointAt(at + 1))) + "; write \\\\ for a backslash");
                }
                digits = 3;
                radix = 8;
                skip = 1;
            }
        }
        int begin = at + skip;
        if (begin + digits > s.length()) {
            throw new ValueSyntaxException(at, "incomplete escape: \\" + c + " needs " + digits + " digits");
        }
        long v = 0;
        for (int k = begin; k < begin + digits; k++) {
            int d = Character.digit(s.charAt(k), radix);
            if (d < 0) {
                throw new ValueSyntaxException(k, "invalid digit " + Text.describe(s.charAt(k)) + " in escape");
            }
            v = v * radix + d;
        }
        if (v == 0) {
            throw new ValueSyntaxException(at, "escape produces a NUL character, which is not allowed");
        }
        if (v > Character.MAX_CODE_POINT || v >= Character.MIN_SURROGATE && v <= Character.MAX_SURROGATE) {
            throw new ValueSyntaxException(at, "escape is not a valid Unicode code point");
        }
        if (c == 'x' || radix == 8) {
            if (v > 0xff) {
                throw new ValueSyntaxException(at, "octal escape above \\377");
            }
            out.append((char) v);
        } else {
            out.appendCodePoint((int) v);
        }
        return begin + digits;
    }
}

package dev.flotilla.unit;

import java.util.Collection;

/** String helpers shared by the parsers: systemd whitespace, quoting for messages, suggestions. */
final class Text {

    private static final int QUOTE_LIMIT = 60;

    private Text() {}

    /** systemd's in-line whitespace (line terminators never reach the parsers). */
    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** Index of the first non-whitespace char, or {@code s.length()}. */
    static int firstNonBlank(String s) {
        int i = 0;
        while (i < s.length() && isBlank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Index after the last non-whitespace char, or 0. */
    static int endOfNonBlank(String s) {
        int e = s.length();
        while (e > 0 && isBlank(s.charAt(e - 1))) {
            e--;
        }
        return e;
    }

    /** {@code s} without systemd whitespace (space, tab) at either end. */
    static String trim(String s) {
        int b = firstNonBlank(s);
        int e = endOfNonBlank(s);
        return b >= e ? "" : s.substring(b, e);
    }

    /** Whether {@code s} ends in an odd run of backslashes: systemd's line continuation. */
    static boolean endsWithContinuation(String s) {
        int run = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            run++;
        }
        return (run & 1) == 1;
    }

    /** 1-based column of char index {@code index} in {@code s}, counted in code points. */
    static int column(String s, int index) {
        int end = Math.min(Math.max(index, 0), s.length());
        return s.codePointCount(0, end) + 1;
    }

    /** {@code s} in double quotes, control characters escaped, shortened: safe in a one-line message. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        int count = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (++count > QUOTE_LIMIT) {
                b.append("...");
                break;
            }
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(cp) || Character.isSurrogate((char) cp)
                            || Character.getType(cp) == Character.FORMAT) {
                        b.append(String.format("\\u%04X", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** One code point for a message: {@code 'x'} when printable, {@code U+0007} otherwise. */
    static String describe(int cp) {
        if (Character.isISOControl(cp) || Character.isWhitespace(cp) && cp != ' '
                || Character.getType(cp) == Character.FORMAT || Character.isSurrogate((char) cp)
                || Character.getType(cp) == Character.UNASSIGNED) {
            return String.format("U+%04X", cp);
        }
        return "'" + new String(Character.toChars(cp)) + "'";
    }

    /** The candidate closest to {@code word} when it is plausibly a typo of it, else null. */
    static String suggest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= Math.max(2, word.length() / 3) ? best : null;
    }

    /** Levenshtein distance; inputs are short option names. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

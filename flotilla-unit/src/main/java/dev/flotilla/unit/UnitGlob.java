package dev.flotilla.unit;

import java.util.Objects;

/**
 * A shell-style glob over unit names, with the semantics of Go's {@code path.Match} that fleet
 * used for {@code Conflicts=} and {@code Replaces=}: {@code *} matches any run of characters,
 * {@code ?} one character, {@code [abc]}, {@code [a-z]} a class ({@code [^...]} or {@code [!...]}
 * negated; a {@code ]} right after the opening bracket is literal), {@code \c} the character
 * {@code c}. Unit names contain no {@code /}, so the path-separator rule never matters.
 * Immutable; matching is thread-safe.
 *
 * @param pattern the glob, e.g. {@code web@*.service}
 */
public record UnitGlob(String pattern) {

    /**
     * Validates the pattern.
     *
     * @throws ValueSyntaxException on an unclosed {@code [}, a reversed range or a
     *     trailing backslash; the offset points at it
     */
    public UnitGlob {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new ValueSyntaxException(0, "empty pattern");
        }
        for (int p = 0; p < pattern.length(); p = next(pattern, p)) {
            // next() validates as it walks
        }
    }

    /** Whether the pattern contains any wildcard ({@code * ? [}) and so may match more than one name. */
    public boolean hasWildcards() {
        for (int p = 0; p < pattern.length(); p = next(pattern, p)) {
            char c = pattern.charAt(p);
            if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    /** Whether the pattern matches {@code name} completely. */
    public boolean matches(UnitName name) {
        return matches(name.name());
    }

    /** Whether the pattern matches {@code s} completely. */
    public boolean matches(String s) {
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = -1;
        int[] cps = s.codePoints().toArray();
        while (i < cps.length) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = ++p;
                starI = i;
            } else if (p < pattern.length() && matchOne(p, cps[i])) {
                p = next(pattern, p);
                i++;
            } else if (starP >= 0) {
                p = starP;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /** The pattern. */
    @Override
    public String toString() {
        return pattern;
    }

    /** Whether the single (non-star) term at {@code p} matches {@code c}. */
    private boolean matchOne(int p, int c) {
        char t = pattern.charAt(p);
        if (t == '?') {
            return true;
        }
        if (t == '\\') {
            return pattern.codePointAt(p + 1) == c;
        }
        if (t != '[') {
            return pattern.codePointAt(p) == c;
        }
        int q = p + 1;
        boolean negated = pattern.charAt(q) == '^' || pattern.charAt(q) == '!';
        if (negated) {
            q++;
        }
        boolean found = false;
        boolean first = true;
        while (first || pattern.charAt(q) != ']') {
            first = false;
            int lo = classChar(q);
            q = afterClassChar(q);
            int hi = lo;
            if (pattern.charAt(q) == '-' && pattern.charAt(q + 1) != ']') {
                hi = classChar(q + 1);
                q = afterClassChar(q + 1);
            }
            if (lo <= c && c <= hi) {
                found = true;
            }
        }
        return found != negated;
    }

    private int classChar(int q) {
        return pattern.charAt(q) == '\\' ? pattern.codePointAt(q + 1) : pattern.codePointAt(q);
    }

    private int afterClassChar(int q) {
        int at = pattern.charAt(q) == '\\' ? q + 1 : q;
        return at + Character.charCount(pattern.codePointAt(at));
    }

    /** Index after the term starting at {@code p}; throws when the term is malformed. */
    private static int next(String pattern, int p) {
        char c = pattern.charAt(p);
        if (c == '\\') {
            if (p + 1 >= pattern.length()) {
                throw new ValueSyntaxException(p, "pattern ends with a backslash");
            }
            return p + 1 + Character.charCount(pattern.codePointAt(p + 1));
        }
        if (c != '[') {
            return p + Character.charCount(pattern.codePointAt(p));
        }
        int q = p + 1;
        if (q < pattern.length() && (pattern.charAt(q) == '^' || pattern.charAt(q) == '!')) {
            q++;
        }
        boolean first = true;
        while (true) {
            if (q >= pattern.length()) {
                throw new ValueSyntaxException(p, "unclosed '[' in pattern");
            }
            if (!first && pattern.charAt(q) == ']') {
                return q + 1;
            }
            first = false;
            int lo = charAt(pattern, p, q);
            q = skip(pattern, p, q);
            if (q < pattern.length() && pattern.charAt(q) == '-' && q + 1 < pattern.length()
                    && pattern.charAt(q + 1) != ']') {
                int hi = charAt(pattern, p, q + 1);
                if (hi < lo) {
                    throw new ValueSyntaxException(q, "reversed range in pattern class");
                }
                q = skip(pattern, p, q + 1);
            }
        }
    }

    private static int charAt(String pattern, int open, int q) {
        if (pattern.charAt(q) == '\\') {
            if (q + 1 >= pattern.length()) {
                throw new ValueSyntaxException(open, "unclosed '[' in pattern");
            }
            return pattern.codePointAt(q + 1);
        }
        return pattern.codePointAt(q);
    }

    private static int skip(String pattern, int open, int q) {
        int at = pattern.charAt(q) == '\\' ? q + 1 : q;
        if (at >= pattern.length()) {
            throw new ValueSyntaxException(open, "unclosed '[' in pattern");
        }
        return at + Character.charCount(pattern.codePointAt(at));
    }
}

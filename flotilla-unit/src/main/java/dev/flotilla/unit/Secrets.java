package dev.flotilla.unit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one redaction rule for secrets in what Flotilla shows and logs (docs/security.md): the value of
 * any {@code NAME=value} assignment whose {@code NAME} looks secret is replaced by {@value #MASK}.
 * A name looks secret when it contains, in any case, one of {@link #SECRET_WORDS}:
 * {@code MYSQL_ROOT_PASSWORD}, {@code api_key}, {@code GithubToken}.
 *
 * <p>Assignments are found anywhere in a text, as they appear in {@code Environment=} values
 * ({@code Environment="DB_PASSWORD=a b" PORT=80}), in command lines ({@code docker run -e
 * MYSQL_ROOT_PASSWORD=dh47 mysql}, {@code --env=API_KEY=x}) and in messages quoting either. A value runs
 * to the next whitespace; to its closing quote when it is quoted ({@code PASSWORD="a b"}) or when the
 * assignment is a whole quoted word ({@code "PASSWORD=a b"}); inside a longer quoted text
 * ({@code sh -c 'TOKEN=x; exec app'}) to whitespace or the closing quote. A backslash escapes the
 * character after it. Redacting twice changes nothing more than redacting once.
 *
 * <p>Used for status output, journal lines served by the API, unit state reasons and log lines; never
 * for {@code cat}, which returns a unit file as it was submitted. What the rule does not see: secrets
 * under other names ({@code DB_PASS=}), and secrets not written as assignments ({@code --password x},
 * {@code "password": "x"}, {@code https://user:pass@host}). Stateless and thread-safe.
 */
public final class Secrets {

    /** What a secret value is replaced by. */
    public static final String MASK = "***";

    /** Words that make a name look secret, upper-case; a name containing any of them in any case does. */
    public static final List<String> SECRET_WORDS = List.of("PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY");

    private Secrets() {
    }

    /** Whether a variable named {@code name} holds a secret by the rule above: {@code MYSQL_ROOT_PASSWORD} does. */
    public static boolean isSecretName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (upper.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** {@code environment} with the values of secret-looking names replaced by {@value #MASK}, in the same order. */
    public static Map<String, String> redactValues(Map<String, String> environment) {
        Map<String, String> out = new LinkedHashMap<>();
        environment.forEach((name, value) -> out.put(name, isSecretName(name) && !value.isEmpty() ? MASK : value));
        return out;
    }

    /**
     * {@code text} with the value of every {@code NAME=value} assignment whose name looks secret replaced by
     * {@value #MASK}; everything else, quotes included, is kept as it is. Null stays null.
     */
    public static String redact(String text) {
        if (text == null || text.indexOf('=') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        char quote = 0;
        int quoteStart = -1;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < n) {
                out.append(c).append(text.charAt(i + 1));
                i += 2;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
                quoteStart = i;
                out.append(c);
                i++;
            } else if (quote != 0 && c == quote) {
                quote = 0;
                out.append(c);
                i++;
            } else if (isWord(c) && (i == 0 || !isWord(text.charAt(i - 1)))) {
                int end = i;
                while (end < n && isWord(text.charAt(end))) {
                    end++;
                }
                String name = text.substring(i, end);
                out.append(name);
                i = end;
                if (end < n && text.charAt(end) == '=' && isSecretName(name)) {
                    out.append('=');
                    boolean wholeWord = quote != 0 && end - name.length() == quoteStart + 1;
                    i = maskValue(text, end + 1, quote, wholeWord, out);
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * Appends the masked value that starts at {@code from} (inside quote {@code quote}, 0 for none) and returns
     * the index after it: a quoted value keeps its quotes, an empty value stays empty. When the assignment is
     * a whole quoted word ({@code "PASSWORD=a b"}) the value runs to the closing quote; otherwise it also ends
     * at whitespace ({@code 'export TOKEN=x; exec app'}).
     */
    private static int maskValue(String text, int from, char quote, boolean wholeWord, StringBuilder out) {
        int n = text.length();
        if (from < n && quote == 0 && (text.charAt(from) == '"' || text.charAt(from) == '\'')) {
            char q = text.charAt(from);
            int end = from + 1;
            while (end < n && text.charAt(end) != q) {
                end += text.charAt(end) == '\\' ? 2 : 1;
            }
            out.append(q).append(MASK);
            if (end < n) {
                out.append(q);
                return end + 1;
            }
            return n;
        }
        int end = from;
        while (end < n && !(quote != 0 && text.charAt(end) == quote)
                && (wholeWord || !Character.isWhitespace(text.charAt(end)))) {
            end += text.charAt(end) == '\\' ? 2 : 1;
        }
        if (end > from) {
            out.append(MASK);
        }
        return Math.min(end, n);
    }

    private static boolean isWord(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_';
    }
}

package dev.flotilla.runtime.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * systemd's environment expansion in command lines: a word that is exactly {@code $NAME} becomes
 * the variable's value split at whitespace (zero or more words); {@code ${NAME}} anywhere in a word
 * is replaced in place by the exact value (the word stays one word); {@code $$} is a literal
 * {@code $}; unknown variables are empty; any other {@code $} is kept as written. The program path
 * is never expanded. Stateless.
 */
final class ExecLineExpander {

    private ExecLineExpander() {}

    /** The arguments after argv[0], expanded with {@code env}. */
    static List<String> expandArgs(List<String> args, Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (String arg : args) {
            if (arg.length() > 1 && arg.charAt(0) == '$' && isName(arg, 1, arg.length())) {
                String value = env.getOrDefault(arg.substring(1), "");
                for (String w : value.strip().split("\\s+")) {
                    if (!w.isEmpty()) {
                        out.add(w);
                    }
                }
            } else {
                out.add(expandInPlace(arg, env));
            }
        }
        return out;
    }

    /** Replaces {@code ${NAME}} and {@code $$} in {@code word}. */
    static String expandInPlace(String word, Map<String, String> env) {
        if (word.indexOf('$') < 0) {
            return word;
        }
        StringBuilder b = new StringBuilder(word.length() + 16);
        int i = 0;
        while (i < word.length()) {
            char c = word.charAt(i);
            if (c == '$' && i + 1 < word.length() && word.charAt(i + 1) == '$') {
                b.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < word.length() && word.charAt(i + 1) == '{') {
                int end = word.indexOf('}', i + 2);
                if (end > i + 2 && isName(word, i + 2, end)) {
                    b.append(env.getOrDefault(word.substring(i + 2, end), ""));
                    i = end + 1;
                } else {
                    b.append(c);
                    i++;
                }
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    /** Whether {@code s[from, to)} is a variable name: a letter or {@code _}, then letters, digits, {@code _}. */
    static boolean isName(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > from && c >= '0' && c <= '9';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

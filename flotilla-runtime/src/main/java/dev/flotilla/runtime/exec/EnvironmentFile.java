package dev.flotilla.runtime.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * systemd's {@code EnvironmentFile=} syntax: {@code KEY=VALUE} lines; blank lines and lines starting
 * with {@code #} or {@code ;} are skipped; whitespace around the key and {@code =} and at the end of
 * an unquoted value is dropped; {@code 'single'} quotes keep everything, {@code "double"} quotes
 * understand {@code \" \\ \$ \`} and a backslash before a line break; outside quotes a backslash
 * keeps the next character and a trailing backslash continues the line. A line whose key is not a
 * variable name is reported and skipped. Later assignments win. Stateless.
 */
final class EnvironmentFile {

    /** The variables read, in order, and a message per skipped line. */
    record Parsed(Map<String, String> variables, List<String> skipped) {}

    private EnvironmentFile() {}

    static Parsed parse(String text) {
        Map<String, String> vars = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        int i = 0;
        int line = 1;
        int n = text.length();
        while (i < n) {
            // skip leading blanks and empty lines
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\r' || text.charAt(i) == '\n')) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
                i++;
            }
            if (i >= n) {
                break;
            }
            int startLine = line;
            if (text.charAt(i) == '#' || text.charAt(i) == ';') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            int keyStart = i;
            while (i < n && text.charAt(i) != '=' && text.charAt(i) != '\n') {
                i++;
            }
            String key = text.substring(keyStart, i).strip();
            if (i >= n || text.charAt(i) == '\n' || !ExecLineExpander.isName(key, 0, key.length())) {
                skipped.add("line " + startLine + ": not NAME=VALUE: " + text.substring(keyStart, i).strip());
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            i++; // '='
            while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            int trimTo = 0; // length of value up to the last character that must not be trimmed
            while (i < n && text.charAt(i) != '\n') {
                char c = text.charAt(i);
                if (c == '\'') {
                    int end = text.indexOf('\'', i + 1);
                    end = end < 0 ? n : end;
                    value.append(text, i + 1, end);
                    line += countLines(text, i + 1, end);
                    trimTo = value.length();
                    i = Math.min(n, end + 1);
                } else if (c == '"') {
                    i++;
                    while (i < n && text.charAt(i) != '"') {
                        char d = text.charAt(i);
                        if (d == '\\' && i + 1 < n && "\"\\$`\n".indexOf(text.charAt(i + 1)) >= 0) {
                            if (text.charAt(i + 1) == '\n') {
                                line++;
                            } else {
                                value.append(text.charAt(i + 1));
                            }
                            i += 2;
                        } else {
                            if (d == '\n') {
                                line++;
                            }
                            value.append(d);
                            i++;
                        }
                    }
                    trimTo = value.length();
                    i = Math.min(n, i + 1);
                } else if (c == '\\' && i + 1 < n) {
                    if (text.charAt(i + 1) == '\n') {
                        line++;
                    } else if (text.charAt(i + 1) != '\r') {
                        value.append(text.charAt(i + 1));
                        trimTo = value.length();
                    }
                    i += 2;
                } else {
                    value.append(c);
                    if (c != ' ' && c != '\t' && c != '\r') {
                        trimTo = value.length();
                    }
                    i++;
                }
            }
            vars.put(key, value.substring(0, trimTo));
        }
        return new Parsed(vars, skipped);
    }

    private static int countLines(String text, int from, int to) {
        int count = 0;
        for (int k = from; k < to; k++) {
            if (text.charAt(k) == '\n') {
                count++;
            }
        }
        return count;
    }
}

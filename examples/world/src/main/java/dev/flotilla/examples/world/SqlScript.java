package dev.flotilla.examples.world;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL script (a mysqldump file, or the app's own dataset) split into the statements the {@code mariadb}
 * command-line client would send, so that dbhelper can load any dump over JDBC without a client binary.
 *
 * <p>What the client does and this does too: statements end at the delimiter ({@code ;}, or what a
 * {@code DELIMITER} line sets) outside quotes and comments; {@code --}, {@code #} and {@code /* *}{@code /}
 * comments are dropped, but the server's versioned comments ({@code /*!40101 ... *}{@code /}) are kept
 * for the server to run; a {@code USE db} line is a client command and needs no delimiter (mysqldump 5.1
 * writes it without one).
 *
 * <p>Character sets: the file's bytes are decoded with the charset its {@code SET NAMES} declares
 * (MySQL's {@code latin1} is Windows-1252), UTF-8 when it declares none. The JDBC driver then sends
 * Unicode, so the statements that would switch the connection's character set ({@code SET NAMES},
 * {@code SET character_set_client = ...}) are left out: the driver owns the connection's charset, and
 * the text reaches the server unchanged. Immutable.
 *
 * @param statements the statements in file order, without their delimiter
 * @param charset the charset the file was decoded with
 * @param skipped how many character-set statements were left out
 */
public record SqlScript(List<String> statements, Charset charset, int skipped) {

    private static final Pattern SET_NAMES = Pattern.compile(
            "(?i)^\\s*(?:/\\*!\\d{5}\\s*)?SET\\s+NAMES\\s+'?([a-z0-9_]+)'?");
    private static final Pattern CHARSET_STATEMENT = Pattern.compile(
            "(?is)^\\s*(?:/\\*!\\d{5}\\s*)?SET\\s+(?:NAMES\\b|CHARACTER\\s+SET\\b|(?:@@(?:session\\.)?)?"
                    + "(?:character_set_(?:client|results|connection)|collation_connection)\\s*=).*");
    private static final Pattern USE_LINE = Pattern.compile("(?i)^\\s*USE\\s+\\S+.*$");
    private static final Pattern DELIMITER_LINE = Pattern.compile("(?i)^\\s*DELIMITER\\s+(\\S+)\\s*$");

    public SqlScript {
        statements = List.copyOf(statements);
    }

    /**
     * Reads and splits {@code file}.
     *
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException naming the file and line when a quote or comment never ends
     */
    public static SqlScript read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Splits a script held in memory; {@code source} names it in errors. */
    public static SqlScript parse(byte[] bytes, String source) {
        Charset charset = declaredCharset(bytes);
        return split(new String(bytes, charset), charset, source);
    }

    /** The charset named by the first {@code SET NAMES} in the file's first 64 KiB, else UTF-8. */
    static Charset declaredCharset(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 65_536), StandardCharsets.ISO_8859_1);
        for (String line : head.split("\n")) {
            Matcher m = SET_NAMES.matcher(line);
            if (m.find()) {
                return switch (m.group(1).toLowerCase(Locale.ROOT)) {
                    case "latin1" -> Charset.forName("windows-1252");
                    case "ascii" -> StandardCharsets.US_ASCII;
                    case "utf8", "utf8mb3", "utf8mb4" -> StandardCharsets.UTF_8;
                    default -> throw new IllegalArgumentException("SET NAMES " + m.group(1)
                            + ": character set not supported by the loader (latin1, ascii, utf8, utf8mb4 are)");
                };
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static SqlScript split(String text, Charset charset, String source) {
        List<String> out = new ArrayList<>();
        int skipped = 0;
        String delimiter = ";";
        StringBuilder current = new StringBuilder();
        boolean blank = true; // current holds only whitespace
        int line = 1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            boolean atLineStart = i == 0 || text.charAt(i - 1) == '\n';
            if (atLineStart && blank) {
                int eol = text.indexOf('\n', i);
                String whole = text.substring(i, eol < 0 ? n : eol);
                Matcher d = DELIMITER_LINE.matcher(whole);
                if (d.matches()) {
                    delimiter = d.group(1);
                    i = eol < 0 ? n : eol + 1;
                    line++;
                    continue;
                }
                if (USE_LINE.matcher(whole).matches()) {
                    String use = whole.strip();
                    if (use.endsWith(delimiter)) {
                        use = use.substring(0, use.length() - delimiter.length()).strip();
                    }
                    out.add(use);
                    current.setLength(0);
                    i = eol < 0 ? n : eol + 1;
                    line++;
                    continue;
                }
            }
            char c = text.charAt(i);
            if (text.startsWith(delimiter, i)) {
                String statement = current.toString().strip();
                if (!statement.isEmpty()) {
                    if (CHARSET_STATEMENT.matcher(statement).matches()) {
                        skipped++;
                    } else {
                        out.add(statement);
                    }
                }
                current.setLength(0);
                blank = true;
                i += delimiter.length();
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                int end = endOfQuoted(text, i, c);
                if (end < 0) {
                    throw new IllegalArgumentException(source + ":" + line + ": the quote " + c
                            + " opened here never closes");
                }
                String quoted = text.substring(i, end);
                line += count(quoted, '\n');
                current.append(quoted);
                blank = false;
                i = end;
                continue;
            }
            if (c == '#' || (c == '-' && text.startsWith("--", i)
                    && (i + 2 == n || Character.isWhitespace(text.charAt(i + 2))))) {
                int eol = text.indexOf('\n', i);
                i = eol < 0 ? n : eol;
                continue;
            }
            if (c == '/' && text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException(source + ":" + line + ": the comment /* opened here never closes");
                }
                String comment = text.substring(i, end + 2);
                line += count(comment, '\n');
                if (text.startsWith("/*!", i) || text.startsWith("/*M!", i)) {
                    current.append(comment);
                    blank = false;
                }
                i = end + 2;
                continue;
            }
            if (c == '\n') {
                line++;
            }
            current.append(c);
            blank &= Character.isWhitespace(c);
            i++;
        }
        String rest = current.toString().strip();
        if (!rest.isEmpty()) {
            if (CHARSET_STATEMENT.matcher(rest).matches()) {
                skipped++;
            } else {
                out.add(rest);
            }
        }
        return new SqlScript(out, charset, skipped);
    }

    /** Index just past the closing quote of the quoted text starting at {@code start}, or -1. */
    private static int endOfQuoted(String text, int start, char quote) {
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }
}

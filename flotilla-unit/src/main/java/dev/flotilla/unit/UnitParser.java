package dev.flotilla.unit;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Text to {@link UnitFile}: systemd's conf-parser rules, strict where systemd only warns. */
final class UnitParser {

    private static final char BOM = '\uFEFF';

    private UnitParser() {}

    static UnitFile parse(String source, byte[] bytes) {
        return parse(source, decode(source, bytes));
    }

    static UnitFile parse(String source, String text) {
        boolean bom = !text.isEmpty() && text.charAt(0) == BOM;
        List<Lines.Physical> lines = Lines.split(bom ? text.substring(1) : text, 1);
        for (Lines.Physical line : lines) {
            checkCharacters(source, line);
        }
        List<UnitElement> elements = new ArrayList<>();
        String section = null;
        int i = 0;
        while (i < lines.size()) {
            Lines.Physical first = lines.get(i);
            if (Lines.isComment(first.content())) {
                elements.add(new UnitElement.Comment(first.number(), first.raw()));
                i++;
                continue;
            }
            Lines.Logical logical = Lines.assemble(lines, i);
            i = logical.next();
            UnitElement element = classify(source, logical, first.number(), section);
            if (element instanceof UnitElement.SectionHeader header) {
                section = header.name();
            }
            elements.add(element);
        }
        return new UnitFile(source, bom, elements);
    }

    private static UnitElement classify(String source, Lines.Logical logical, int line, String section) {
        String t = logical.text();
        int begin = Text.firstNonBlank(t);
        int end = Text.endOfNonBlank(t);
        if (begin >= end) {
            return new UnitElement.Blank(line, logical.raw());
        }
        if (t.charAt(begin) == '[') {
            return header(source, logical, begin, end);
        }
        if (section == null) {
            throw error(source, logical, begin, "entry before any section header; put a [Section] line "
                    + "(e.g. [Unit] or [Service]) above it");
        }
        int eq = t.indexOf('=');
        if (eq < 0) {
            throw error(source, logical, begin, "line has no '=': expected Key=Value, a [Section] header, "
                    + "or a comment starting with # or ;");
        }
        String key = Text.trim(t.substring(0, eq));
        if (key.isEmpty()) {
            throw error(source, logical, eq, "missing option name before '='");
        }
        int bad = badKeyChar(key);
        if (bad >= 0) {
            throw error(source, logical, begin + bad, "invalid character " + Text.describe(key.codePointAt(bad))
                    + " in option name " + Text.quote(key) + "; names use A-Z a-z 0-9 - _ .");
        }
        String value = Text.trim(t.substring(eq + 1));
        return new UnitElement.Assignment(line, section, key, value, logical.raw());
    }

    private static UnitElement header(String source, Lines.Logical logical, int begin, int end) {
        String t = logical.text();
        if (t.charAt(end - 1) != ']') {
            int close = t.indexOf(']', begin);
            if (close >= 0) {
                throw error(source, logical, close + 1, "unexpected text after ']' of section header; "
                        + "a header is [Name] alone on its line");
            }
            throw error(source, logical, begin, "section header is missing its closing ']'");
        }
        String name = t.substring(begin + 1, end - 1);
        if (name.isEmpty()) {
            throw error(source, logical, begin, "empty section name '[]'");
        }
        int bad = badSectionChar(name);
        if (bad >= 0) {
            throw error(source, logical, begin + 1 + bad, "invalid character "
                    + Text.describe(name.codePointAt(bad)) + " in section name " + Text.quote(name));
        }
        return new UnitElement.SectionHeader(logical.segments().getFirst().lineNumber(), name, logical.raw());
    }

    /** Index of the first char not allowed in an option name, or -1. */
    static int badKeyChar(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Index of the first char not allowed in a section name, or -1. Like systemd's string_is_safe:
     * no control characters, no quotes or backslash; and no brackets, which would end the header.
     */
    static int badSectionChar(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '[' || c == ']' || c == '"' || c == '\'' || c == '\\') {
                return i;
            }
        }
        return -1;
    }

    private static UnitParseException error(String source, Lines.Logical logical, int index, String reason) {
        int[] pos = logical.position(index);
        return new UnitParseException(source, pos[0], pos[1], reason);
    }

    /** Refuses NUL and unpaired surrogates: neither survives a round trip through UTF-8. */
    private static void checkCharacters(String source, Lines.Physical line) {
        String s = line.content();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw new UnitParseException(source, line.number(), Text.column(s, i),
                        "NUL character (U+0000) is not allowed in a unit file");
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new UnitParseException(source, line.number(), Text.column(s, i),
                        String.format("unpaired UTF-16 surrogate U+%04X: the text is not valid Unicode", (int) c));
            }
        }
    }

    /** Strict UTF-8 decoding; the first malformed byte is reported with its line and column. */
    private static String decode(String source, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            String before = out.flip().toString();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < before.length(); i++) {
                char c = before.charAt(i);
                if (c == '\n' || c == '\r' && (i + 1 >= before.length() || before.charAt(i + 1) != '\n')) {
                    line++;
                    lineStart = i + 1;
                }
            }
            String lineText = before.substring(lineStart);
            if (line == 1 && !lineText.isEmpty() && lineText.charAt(0) == BOM) {
                lineText = lineText.substring(1);
            }
            throw new UnitParseException(source, line, Text.column(lineText, lineText.length()),
                    String.format("invalid UTF-8 byte 0x%02X at byte offset %d; unit files must be UTF-8",
                            bytes[at] & 0xff, at));
        }
        return out.flip().toString();
    }
}

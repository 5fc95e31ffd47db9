package dev.flotilla.unit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Option list to unit text, go-systemd's Serialize layout; every option must survive re-parsing. */
final class CanonicalText {

    private CanonicalText() {}

    static UnitFile build(String source, List<UnitOption> options) {
        Map<String, List<UnitOption>> bySection = new LinkedHashMap<>();
        for (UnitOption o : options) {
            bySection.computeIfAbsent(o.section(), s -> new ArrayList<>()).add(o);
        }
        StringBuilder text = new StringBuilder();
        List<Integer> optionLines = new ArrayList<>();
        List<UnitOption> ordered = new ArrayList<>();
        int line = 1;
        int index = 0;
        for (Map.Entry<String, List<UnitOption>> section : bySection.entrySet()) {
            String name = section.getKey();
            int bad = name.isEmpty() ? 0 : UnitParser.badSectionChar(name);
            if (bad >= 0) {
                throw new UnitParseException(source, line, 2 + Math.max(0, bad), name.isEmpty()
                        ? "empty section name" : "invalid character " + Text.describe(name.codePointAt(bad))
                        + " in section name " + Text.quote(name));
            }
            text.append('[').append(name).append("]\n");
            line++;
            for (UnitOption o : section.getValue()) {
                checkName(source, line, o.name());
                checkValue(source, line, o);
                optionLines.add(line);
                ordered.add(o);
                text.append(o.name()).append('=').append(o.value());
                if (Text.endsWithContinuation(o.value())) {
                    text.append(' '); // trailing whitespace is trimmed: the backslash stays part of the value
                }
                text.append('\n');
                line += Lines.split(o.value() + "x", 1).size(); // one line per line break, plus one
            }
            if (++index < bySection.size()) {
                text.append('\n');
                line++;
            }
        }
        UnitFile file = UnitParser.parse(source, text.toString());
        List<UnitOption> parsed = file.options();
        for (int i = 0; i < ordered.size(); i++) {
            UnitOption want = ordered.get(i);
            if (i >= parsed.size() || !parsed.get(i).section().equals(want.section())
                    || !parsed.get(i).name().equals(want.name())) {
                throw new UnitParseException(source, optionLines.get(i), 1, "option " + want.section() + "."
                        + want.name() + " cannot be written as a unit file line: its value swallows the next line");
            }
        }
        return file;
    }

    private static void checkName(String source, int line, String name) {
        if (name.isEmpty()) {
            throw new UnitParseException(source, line, 1, "empty option name");
        }
        int bad = UnitParser.badKeyChar(name);
        if (bad >= 0) {
            throw new UnitParseException(source, line, Text.column(name, bad), "invalid character "
                    + Text.describe(name.codePointAt(bad)) + " in option name " + Text.quote(name)
                    + "; names use A-Z a-z 0-9 - _ .");
        }
    }

    /** A value may break lines only as a continuation (a backslash right before the line break). */
    private static void checkValue(String source, int line, UnitOption o) {
        String prefix = o.name() + "=";
        List<Lines.Physical> parts = Lines.split(o.value(), line);
        for (int i = 0; i < parts.size(); i++) {
            Lines.Physical p = parts.get(i);
            String content = i == 0 ? prefix + p.content() : p.content();
            int nul = content.indexOf('\0');
            if (nul >= 0) {
                throw new UnitParseException(source, p.number(), Text.column(content, nul),
                        "NUL character in the value of " + o.section() + "." + o.name());
            }
            if (i > 0 && Lines.isComment(content)) {
                throw new UnitParseException(source, p.number(), 1, "continued line of " + o.section()
                        + "." + o.name() + " starts with # or ; and would be read as a comment");
            }
            if (!p.terminator().isEmpty() && !Text.endsWithContinuation(content)) {
                throw new UnitParseException(source, p.number(), Text.column(content, content.length()),
                        "line break in the value of " + o.section() + "." + o.name()
                                + " without a continuation backslash before it");
            }
        }
    }
}

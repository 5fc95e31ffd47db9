package dev.flotilla.unit;

import java.util.Objects;

/**
 * One piece of a parsed unit file: a blank line, a comment, a section header or an assignment,
 * together with the exact text it came from. Concatenating every element's {@link #raw()} (after
 * the byte-order mark, if any) gives back the file byte for byte. Elements spanning several lines
 * (continuations, and the comment lines systemd skips inside them) keep all of them. Immutable.
 */
public sealed interface UnitElement {

    /** The 1-based number of the first line of this element. */
    int line();

    /** The exact source text of this element, line terminators included. */
    String raw();

    /**
     * Lines holding nothing but whitespace.
     *
     * @param line first line number
     * @param raw the exact text
     */
    record Blank(int line, String raw) implements UnitElement {
        /** Checks that the components are present. */
        public Blank {
            check(line, raw);
        }
    }

    /**
     * A comment line: first non-blank character {@code #} or {@code ;}.
     *
     * @param line line number
     * @param raw the exact text
     */
    record Comment(int line, String raw) implements UnitElement {
        /** Checks that the components are present. */
        public Comment {
            check(line, raw);
        }
    }

    /**
     * A section header, e.g. {@code [Service]}.
     *
     * @param line first line number
     * @param name the section name between the brackets
     * @param raw the exact text
     */
    record SectionHeader(int line, String name, String raw) implements UnitElement {
        /** Checks that the components are present. */
        public SectionHeader {
            check(line, raw);
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A {@code Key=Value} entry.
     *
     * @param line first line number
     * @param section the section it belongs to
     * @param key the option name, trimmed
     * @param value the effective value: continuations joined, trimmed; empty for {@code Key=}
     * @param raw the exact text, every continuation line and skipped comment line included
     */
    record Assignment(int line, String section, String key, String value, String raw) implements UnitElement {
        /** Checks that the components are present. */
        public Assignment {
            check(line, raw);
            Objects.requireNonNull(section, "section");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        /** This entry as an API option. */
        public UnitOption toOption() {
            return new UnitOption(section, key, value);
        }
    }

    private static void check(int line, String raw) {
        Objects.requireNonNull(raw, "raw");
        if (line < 1) {
            throw new IllegalArgumentException("line numbers are 1-based: " + line);
        }
    }
}

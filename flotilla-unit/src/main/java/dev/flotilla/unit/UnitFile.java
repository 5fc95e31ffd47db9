package dev.flotilla.unit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed systemd unit file: a document model that remembers every raw line (comments, blank
 * lines, spacing, continuations, CRLF or LF line endings, a missing final newline, a byte-order
 * mark), so that {@code UnitFile.parse(name, x).serialise().equals(x)} for every {@code x} that
 * parses; plus the semantic view systemd and fleet's API have of it ({@link #options()}).
 *
 * <p>Syntax: {@code [Section]} headers, {@code Key=Value} entries (repeated keys kept in order),
 * comment lines starting with {@code #} or {@code ;} after optional whitespace, continuation with a
 * trailing backslash (backslash and line break become a space; comment lines inside a continuation
 * are skipped), whitespace around {@code =} and at both ends of a value trimmed. Refused, with a
 * {@link UnitParseException}: an entry before any section, a malformed header, a line without
 * {@code =}, an option name with characters outside {@code A-Z a-z 0-9 - _ .}, NUL, unpaired
 * surrogates, and invalid UTF-8 when parsing bytes.
 *
 * <p>Immutable and thread-safe.
 */
public final class UnitFile {

    /**
     * Largest unit file Flotilla accepts, in UTF-8 bytes (1 MiB): far above any real unit, well below etcd's
     * 1.5 MiB request limit. The CLI, the API and the registry refuse larger files; the parser itself does not.
     */
    public static final int MAX_BYTES = 1024 * 1024;

    private final String source;
    private final boolean byteOrderMark;
    private final List<UnitElement> elements;
    private final String text;
    private final List<UnitOption> options;
    private final ContentHash hash;

    UnitFile(String source, boolean byteOrderMark, List<UnitElement> elements) {
        this.source = Objects.requireNonNull(source, "source");
        this.byteOrderMark = byteOrderMark;
        this.elements = List.copyOf(elements);
        StringBuilder b = new StringBuilder();
        if (byteOrderMark) {
            b.append('\uFEFF');
        }
        List<UnitOption> opts = new ArrayList<>();
        for (UnitElement e : this.elements) {
            b.append(e.raw());
            if (e instanceof UnitElement.Assignment a) {
                opts.add(a.toOption());
            }
        }
        this.text = b.toString();
        this.options = List.copyOf(opts);
        this.hash = ContentHash.of(text);
    }

    /**
     * Parses {@code text}.
     *
     * @param source the unit name (or a file label) used in error messages
     * @param text the file's contents
     * @throws UnitParseException when the text is not a valid unit file; nothing is returned
     */
    public static UnitFile parse(String source, String text) {
        Objects.requireNonNull(source, "source");
        return UnitParser.parse(source, Objects.requireNonNull(text, "text"));
    }

    /**
     * Parses UTF-8 {@code bytes}; a leading byte-order mark is accepted and kept.
     *
     * @param source the unit name (or a file label) used in error messages
     * @param utf8 the file's contents
     * @throws UnitParseException on invalid UTF-8 (naming the byte's line and column) or invalid syntax
     */
    public static UnitFile parse(String source, byte[] utf8) {
        Objects.requireNonNull(source, "source");
        return UnitParser.parse(source, Objects.requireNonNull(utf8, "utf8"));
    }

    /**
     * Builds the canonical text for an option list, as fleet's API submits units, and parses it:
     * {@code [Section]\nName=Value\n} with options grouped by section in order of first
     * appearance and a blank line between sections (the layout fleet hashed). A value may carry
     * line continuations ({@code \} before the line break, as newer fleetctl sends them).
     *
     * @param source the unit name used in error messages
     * @param options the options, in order; may be empty (an empty file)
     * A value ending in a backslash is written with one trailing space, so that systemd does not
     * read it as a continuation. For every parsed file {@code f},
     * {@code fromOptions(n, f.options()).options()} is {@code f.options()} grouped by section.
     *
     * @throws UnitParseException when an option cannot be written as systemd syntax: a bad section
     *     or option name, NUL, an unpaired surrogate, a line break not preceded by a continuation
     *     backslash, a continued line that would read as a comment; the line and column are those
     *     of the canonical text
     */
    public static UnitFile fromOptions(String source, List<UnitOption> options) {
        Objects.requireNonNull(source, "source");
        return CanonicalText.build(source, List.copyOf(options));
    }

    /** The unit name or label this file was parsed under; error messages start with it. */
    public String source() {
        return source;
    }

    /** Whether the text started with a UTF-8 byte-order mark (kept by {@link #serialise()}). */
    public boolean hasByteOrderMark() {
        return byteOrderMark;
    }

    /** The document model: every line of the file, in order, as elements. */
    public List<UnitElement> elements() {
        return elements;
    }

    /** The text rendered from the model: exactly the text that was parsed, byte-order mark included. */
    public String serialise() {
        return text;
    }

    /** SHA-1 of {@link #serialise()}'s UTF-8 bytes: the contents as submitted. */
    public ContentHash hash() {
        return hash;
    }

    /** Every option in file order, continuations joined: fleet's {@code options} list. */
    public List<UnitOption> options() {
        return options;
    }

    /** The options of one section (every header of that name), in file order. */
    public List<UnitOption> options(String section) {
        return options.stream().filter(o -> o.section().equals(section)).toList();
    }

    /** The entries of one section, with their line numbers and raw text, in file order. */
    public List<UnitElement.Assignment> assignments(String section) {
        List<UnitElement.Assignment> out = new ArrayList<>();
        for (UnitElement e : elements) {
            if (e instanceof UnitElement.Assignment a && a.section().equals(section)) {
                out.add(a);
            }
        }
        return List.copyOf(out);
    }

    /** The distinct section names, in order of first appearance. */
    public List<String> sections() {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (UnitElement e : elements) {
            if (e instanceof UnitElement.SectionHeader h) {
                names.add(h.name());
            }
        }
        return List.copyOf(names);
    }

    /**
     * The last value assigned to {@code key} in {@code section} (last wins, as in systemd). An
     * empty string means the last assignment was {@code Key=} (reset to the default).
     */
    public Optional<String> value(String section, String key) {
        String found = null;
        for (UnitOption o : options) {
            if (o.section().equals(section) && o.name().equals(key)) {
                found = o.value();
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The effective list for a list-valued {@code key}: every value in order, where an empty
     * assignment ({@code Key=}) drops everything assigned before it.
     */
    public List<String> values(String section, String key) {
        List<String> out = new ArrayList<>();
        for (UnitOption o : options) {
            if (o.section().equals(section) && o.name().equals(key)) {
                if (o.value().isEmpty()) {
                    out.clear();
                } else {
                    out.add(o.value());
                }
            }
        }
        return List.copyOf(out);
    }

    /** Equal when the source label and the text are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof UnitFile other && source.equals(other.source) && text.equals(other.text);
    }

    /** Consistent with {@link #equals}. */
    @Override
    public int hashCode() {
        return source.hashCode() * 31 + text.hashCode();
    }

    /** The source label, the short hash and the number of options; not the text. */
    @Override
    public String toString() {
        return "UnitFile[" + source + ", " + hash.shortHex() + ", " + options.size() + " options]";
    }
}

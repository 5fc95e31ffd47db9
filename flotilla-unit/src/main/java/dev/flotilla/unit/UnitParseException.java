package dev.flotilla.unit;

import java.util.Objects;

/**
 * A unit file, or one of its options, is malformed or refused. Carries where: the unit's name (or
 * the label the file was parsed under), the 1-based line and column, and a one-line reason.
 * {@link #getMessage()} is {@code name:line:col: reason}, the format compilers use, so editors and
 * terminals can jump to the spot.
 *
 * <p>Unchecked: parsing user input fails often and callers (API, CLI) catch it where they turn it
 * into a 400 or an error line. Immutable and thread-safe.
 */
public final class UnitParseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String reason;

    /**
     * Creates an exception for {@code source} at {@code line}:{@code column}.
     *
     * @param source the unit name or label the text was parsed under
     * @param line 1-based line number
     * @param column 1-based column, counted in Unicode code points
     * @param reason one line saying what is wrong and, where possible, what to do instead
     * @throws IllegalArgumentException when line or column is below 1
     */
    public UnitParseException(String source, int line, int column, String reason) {
        super(Objects.requireNonNull(source, "source") + ":" + line + ":" + column + ": "
                + Objects.requireNonNull(reason, "reason"));
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
        this.source = source;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** The unit name (or label) of the file that failed. */
    public String source() {
        return source;
    }

    /** The 1-based line of the problem. */
    public int line() {
        return line;
    }

    /** The 1-based column of the problem, in Unicode code points. */
    public int column() {
        return column;
    }

    /** The one-line reason, without the {@code name:line:col:} prefix. */
    public String reason() {
        return reason;
    }
}

package dev.flotilla.unit;

import java.util.Objects;

/**
 * One value (a time span, a glob, a quoted word list, a port mapping...) is malformed. Carries the
 * 0-based offset of the problem within the value and a one-line reason; {@link #getMessage()} is the
 * reason. Parsers of whole unit files turn it into a {@link UnitParseException} with line and
 * column. Immutable and thread-safe.
 */
public class ValueSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int offset;
    private final String reason;

    /**
     * Creates an exception.
     *
     * @param offset 0-based char offset of the problem within the value (0 when it is the whole value)
     * @param reason one line saying what is wrong
     */
    public ValueSyntaxException(int offset, String reason) {
        super(Objects.requireNonNull(reason, "reason"));
        this.offset = Math.max(0, offset);
        this.reason = reason;
    }

    /** The 0-based char offset of the problem within the value that was parsed. */
    public int offset() {
        return offset;
    }

    /** The one-line reason. */
    public String reason() {
        return reason;
    }
}

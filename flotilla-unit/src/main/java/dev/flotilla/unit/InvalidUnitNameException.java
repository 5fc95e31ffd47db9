package dev.flotilla.unit;

import java.util.Objects;

/**
 * A unit name breaks fleet's naming rules. Names the offending name and, when one character is to
 * blame, its 1-based position. {@link #getMessage()} reads like
 * {@code invalid unit name "we b.service": character ' ' at position 3 is not allowed (...)}.
 * Immutable and thread-safe.
 */
public final class InvalidUnitNameException extends ValueSyntaxException {

    private static final long serialVersionUID = 1L;

    private final String name;
    private final int position;

    /**
     * Creates an exception.
     *
     * @param name the refused name
     * @param position 1-based position of the offending character, or 0 when the name as a whole is wrong
     * @param problem what is wrong, without the name
     */
    public InvalidUnitNameException(String name, int position, String problem) {
        super(Math.max(0, position - 1), "invalid unit name " + Text.quote(Objects.requireNonNull(name, "name"))
                + ": " + Objects.requireNonNull(problem, "problem"));
        this.name = name;
        this.position = position;
    }

    /** The refused name, as given. */
    public String name() {
        return name;
    }

    /** The 1-based position of the offending character, or 0 when the whole name is to blame. */
    public int position() {
        return position;
    }
}

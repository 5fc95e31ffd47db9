package dev.flotilla.unit;

import java.util.Objects;

/**
 * A {@code %} specifier cannot be expanded: it is unknown, incomplete ({@code %} at the end), or not
 * available where it was used (a machine specifier in {@code [X-Fleet]}). Names the specifier.
 * Immutable and thread-safe.
 */
public final class SpecifierException extends ValueSyntaxException {

    private static final long serialVersionUID = 1L;

    private final String specifier;

    /**
     * Creates an exception.
     *
     * @param specifier the specifier as written, e.g. {@code %x}, or {@code %} when incomplete
     * @param offset 0-based offset of its {@code %} in the text being expanded
     * @param reason one line saying what is wrong
     */
    public SpecifierException(String specifier, int offset, String reason) {
        super(offset, reason);
        this.specifier = Objects.requireNonNull(specifier, "specifier");
    }

    /** The specifier as written, e.g. {@code %x}. */
    public String specifier() {
        return specifier;
    }
}

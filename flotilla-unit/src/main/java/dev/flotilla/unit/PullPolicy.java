package dev.flotilla.unit;

import java.util.Locale;

/** Quadlet's {@code Pull=}: when to pull the image before starting. Immutable. */
public enum PullPolicy {
    /** Never pull; the image must be present. */
    NEVER,
    /** Pull only when the image is not present (the default). */
    MISSING,
    /** Pull every time. */
    ALWAYS,
    /** Pull when the registry has a newer image than the local one. */
    NEWER;

    /**
     * The policy named {@code value} ({@code never|missing|always|newer}, case-insensitive).
     *
     * @throws ValueSyntaxException for any other value
     */
    public static PullPolicy parse(String value) {
        for (PullPolicy p : values()) {
            if (p.name().equalsIgnoreCase(value)) {
                return p;
            }
        }
        throw new ValueSyntaxException(0, "expected never, missing, always or newer, got " + Text.quote(value));
    }

    /** The lowercase name, as written in unit files. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

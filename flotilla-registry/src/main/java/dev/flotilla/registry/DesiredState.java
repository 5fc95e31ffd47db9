package dev.flotilla.registry;

import java.util.Locale;

/**
 * What a user wants of a unit, with fleet's meaning: {@link #INACTIVE} (known, not placed),
 * {@link #LOADED} (placed on a machine, not running), {@link #LAUNCHED} (running). Stored and shown
 * in lower case ({@code inactive}, {@code loaded}, {@code launched}), as fleet's API does.
 */
public enum DesiredState {
    /** Known to the cluster, not placed on any machine ({@code submit}, {@code unload}). */
    INACTIVE,
    /** Placed on a machine and loaded there, not running ({@code load}, {@code stop}). */
    LOADED,
    /** Placed on a machine and running ({@code start}). */
    LAUNCHED;

    /** The lower-case name fleet uses: {@code inactive}, {@code loaded} or {@code launched}. */
    public String fleetName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a unit in this state must be placed on a machine ({@link #LOADED} or {@link #LAUNCHED}). */
    public boolean isPlaced() {
        return this != INACTIVE;
    }

    /**
     * Parses fleet's lower-case name (upper case is accepted too).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     */
    public static DesiredState parse(String text) {
        for (DesiredState s : values()) {
            if (s.name().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown desired state \"" + text
                + "\": expected inactive, loaded or launched");
    }
}

package dev.flotilla.api;

import java.util.Locale;

/** fleet's desired (and current) states of a unit: {@code inactive -> loaded -> launched}. */
public enum DesiredState {
    /** Known to the cluster, not placed on a machine ({@code submit}, {@code unload}). */
    INACTIVE,
    /** Placed on a machine and loaded there, not running ({@code load}, {@code stop}). */
    LOADED,
    /** Placed on a machine and running ({@code start}). */
    LAUNCHED;

    /** The wire form: {@code inactive}, {@code loaded} or {@code launched}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses the wire form (case-insensitively).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code value} is none of them
     */
    public static DesiredState fromWire(String value) {
        for (DesiredState state : values()) {
            if (state.name().equalsIgnoreCase(value)) {
                return state;
            }
        }
        throw new IllegalArgumentException("desired state must be inactive, loaded or launched, not \"" + value + "\"");
    }
}

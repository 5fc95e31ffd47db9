package dev.flotilla.engine.scheduler;

/**
 * What the user asked for a unit, as fleet named it: {@code submit} and {@code unload} make it
 * {@link #INACTIVE}, {@code load} and {@code stop} {@link #LOADED}, {@code start} {@link #LAUNCHED}.
 * Immutable.
 */
public enum DesiredState {
    /** Known to the cluster, placed nowhere. */
    INACTIVE,
    /** Placed on a machine and loaded there, not running. */
    LOADED,
    /** Placed on a machine and running. */
    LAUNCHED;

    /** Whether a unit in this state needs a machine ({@link #LOADED} and {@link #LAUNCHED} do). */
    public boolean needsMachine() {
        return this != INACTIVE;
    }
}
